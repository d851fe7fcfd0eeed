# chat-grade's reports (grade/reports.h): Gradescope results.json, grades.csv, junit.xml and
# summary.html, as the static library chatkit_grade_reports, and their tests (ctest -R '^grade\.').
# Included by grade/CMakeLists.txt; paths are relative to this file, so it works from anywhere.

find_package(nlohmann_json 3 REQUIRED)
get_filename_component(chatkit_grade_root ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)

add_library(chatkit_grade_reports STATIC
  ${CMAKE_CURRENT_LIST_DIR}/report_text.cc
  ${CMAKE_CURRENT_LIST_DIR}/report_policy.cc
  ${CMAKE_CURRENT_LIST_DIR}/report_gradescope.cc
  ${CMAKE_CURRENT_LIST_DIR}/report_csv.cc
  ${CMAKE_CURRENT_LIST_DIR}/report_junit.cc
  ${CMAKE_CURRENT_LIST_DIR}/report_html.cc
  ${CMAKE_CURRENT_LIST_DIR}/report_class.cc)
target_include_directories(chatkit_grade_reports PUBLIC ${chatkit_grade_root})
target_link_libraries(chatkit_grade_reports PUBLIC chatkit_framing nlohmann_json::nlohmann_json)
chatkit_warnings(chatkit_grade_reports)

if(NOT CHATKIT_BUILD_TESTS)
  return()
endif()
include(GoogleTest)

add_executable(grade_report_tests
  ${CMAKE_CURRENT_LIST_DIR}/tests/report_text_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/tests/report_policy_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/tests/report_gradescope_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/tests/report_csv_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/tests/report_junit_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/tests/report_html_test.cc)
target_link_libraries(grade_report_tests PRIVATE chatkit_grade_reports GTest::gtest_main)
chatkit_warnings(grade_report_tests)
gtest_discover_tests(grade_report_tests TEST_PREFIX "grade." PROPERTIES LABELS grade
                     DISCOVERY_MODE PRE_TEST)

# The reports of a realistic class (tests/report_fixtures.h), written as chat-grade writes them,
# then read by other parsers than ours: Python's json, csv and xml.etree.
add_executable(grade_report_fixture ${CMAKE_CURRENT_LIST_DIR}/tests/report_fixture_main.cc)
target_link_libraries(grade_report_fixture PRIVATE chatkit_grade_reports)
chatkit_warnings(grade_report_fixture)
if(Python3_Interpreter_FOUND)
  add_test(NAME grade.Reports.ParseWithPythonsParsers
    COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_LIST_DIR}/tests/check_reports.py
            $<TARGET_FILE:grade_report_fixture> ${CMAKE_CURRENT_BINARY_DIR}/report-fixture)
  set_tests_properties(grade.Reports.ParseWithPythonsParsers PROPERTIES LABELS grade)
endif()

# The Gradescope autograder zip: setup.sh and run_autograder at its root, the kit's source in
# it; and run_autograder on a submission.
if(NOT WIN32 AND Python3_Interpreter_FOUND)
  add_test(NAME grade.Gradescope.ZipHasTheScriptsAtItsRoot
    COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_LIST_DIR}/tests/gradescope_zip_test.py
            ${chatkit_grade_root} ${CMAKE_CURRENT_BINARY_DIR}/gradescope-zip)
  set_tests_properties(grade.Gradescope.ZipHasTheScriptsAtItsRoot PROPERTIES LABELS grade)
  add_test(NAME grade.Gradescope.RunAutograderGradesTheSubmission
    COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_LIST_DIR}/tests/gradescope_run_test.py
            ${chatkit_grade_root} ${CMAKE_CURRENT_BINARY_DIR}/gradescope-run)
  set_tests_properties(grade.Gradescope.RunAutograderGradesTheSubmission PROPERTIES LABELS grade)
endif()
# ... and with the real chat-grade, in a build that has it (grade/CMakeLists.txt defines it when
# the exercise checks are built; it is defined after this file is included: names resolve later).
if(NOT WIN32 AND Python3_Interpreter_FOUND AND TARGET chatkit_exercise_check)
  add_test(NAME grade.Gradescope.RunAutograderWithChatGrade
    COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_LIST_DIR}/tests/gradescope_run_test.py
            ${chatkit_grade_root} ${CMAKE_CURRENT_BINARY_DIR}/gradescope-run-real
            $<TARGET_FILE:chat-grade>)
  set_tests_properties(grade.Gradescope.RunAutograderWithChatGrade PROPERTIES LABELS grade
                       TIMEOUT 300)
endif()
