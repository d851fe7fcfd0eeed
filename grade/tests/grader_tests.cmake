# chat-grade's engine's tests (ctest -R '^grade\.'; label grade). Included by grade/CMakeLists.txt.
#
#   grade.CappedOutput.*, grade.Isolation.*, grade.Submission.*, grade.Commands.*,
#   grade.Sandbox.*        grader_unit_tests: the parts, and chat-sandbox itself
#   grade.StageNClass.Grade     grader_class_fixture grades a class of test submissions (correct
#                               and broken, C++ and Python, every bad kind) in one run, at once;
#                               a ctest fixture writing build/grade/grader-results/stageN.json
#   grade.StageNClass.*         grader_class_tests: what came out, a test per bad kind
#   grade.FallbackClass.*       the same without the sandbox (a process group per student)
#   grade.Cli.*                 chat-grade's command line
include(GoogleTest)
set(grader_dumps ${CMAKE_CURRENT_BINARY_DIR}/grader-results)
set(submissions ${CMAKE_CURRENT_SOURCE_DIR}/tests/submissions)
set(solutions ${PROJECT_SOURCE_DIR}/exercises/solutions)

add_executable(grader_unit_tests tests/grader_unit_test.cc)
target_link_libraries(grader_unit_tests PRIVATE chatkit_grader GTest::gtest_main)
target_compile_definitions(grader_unit_tests PRIVATE
  "CHATKIT_SOURCE_DIR=\"${PROJECT_SOURCE_DIR}\""
  "CHATKIT_CHAT_GRADE=\"$<TARGET_FILE:chat-grade>\""
  "CHATKIT_GRADER_TEST_DIR=\"${CMAKE_CURRENT_BINARY_DIR}/grader-cli\"")
if(TARGET chatkit_grade_reports)
  target_compile_definitions(grader_unit_tests PRIVATE CHATKIT_GRADE_HAVE_REPORTS)
endif()
add_dependencies(grader_unit_tests chat-grade)
chatkit_warnings(grader_unit_tests)
gtest_discover_tests(grader_unit_tests TEST_PREFIX "grade." PROPERTIES LABELS grade
                     DISCOVERY_MODE PRE_TEST)

add_executable(grader_class_fixture tests/grader_class_main.cc)
target_link_libraries(grader_class_fixture PRIVATE chatkit_grader chatkit_cli)
chatkit_warnings(grader_class_fixture)

# The classes. Check budgets are short (a correct stage takes a few seconds; the ones that loop
# are stopped at the budget) so that the whole suite stays quick; build budgets are long (two
# classes compiling at once under ASan on a busy 2-core machine took over 60 s a program); the file size limit is 4 MiB, which
# prints-megabytes (8 MiB) passes.
set(common ${submissions}/common/stage2_server.py)
set(py2_client ${solutions}/stage2/python/client.py)
add_test(NAME grade.Stage2Class.Grade
  COMMAND grader_class_fixture --stage 2 --dump ${grader_dumps}/stage2.json --budget 45
          --build-budget 300
          --max-file-size 4194304
          cpp-correct=${solutions}/stage2/cpp
          python-correct=${solutions}/stage2/python
          python-kit-socketfuncs=${py2_client}+${common}+${submissions}/kit-socketfuncs
          compile-error=${solutions}/stage2/cpp/client.cpp+${submissions}/compile-error
          loops-forever=${submissions}/loops-forever
          server-never-listens=${py2_client}+${submissions}/loops-forever/server.py
          eats-memory=${py2_client}+${common}+${submissions}/eats-memory
          fork-bomb=${py2_client}+${submissions}/fork-bomb
          prints-megabytes=${py2_client}+${common}+${submissions}/prints-megabytes
          fixed-port-a=${py2_client}+${common}+${submissions}/fixed-port
          fixed-port-b=${py2_client}+${common}+${submissions}/fixed-port
          never-exits=${py2_client}+${common}+${submissions}/never-exits
          missing-files=${submissions}/missing-files)
foreach(stage 1 3)
  add_test(NAME grade.Stage${stage}Class.Grade
    COMMAND grader_class_fixture --stage ${stage} --dump ${grader_dumps}/stage${stage}.json
            --budget 90 --build-budget 300
            cpp-solution=${solutions}/stage${stage}/cpp
            python-solution=${solutions}/stage${stage}/python)
endforeach()

# The fallback where the sandbox cannot be made (here forced with --no-sandbox): a process group
# per student.
add_test(NAME grade.FallbackClass.Grade
  COMMAND grader_class_fixture --stage 2 --dump ${grader_dumps}/fallback.json --budget 20
          --no-sandbox
          python-correct=${solutions}/stage2/python
          loops-forever=${submissions}/loops-forever)

add_executable(grader_class_tests tests/grader_class_test.cc)
target_link_libraries(grader_class_tests PRIVATE chatkit_grader GTest::gtest_main)
target_compile_definitions(grader_class_tests PRIVATE
  "CHATKIT_GRADER_DUMP_DIR=\"${grader_dumps}\"")
chatkit_warnings(grader_class_tests)
foreach(class Stage1 Stage2 Stage3 Fallback)
  set_tests_properties(grade.${class}Class.Grade PROPERTIES
    FIXTURES_SETUP grade_${class} LABELS grade TIMEOUT 300)
  gtest_discover_tests(grader_class_tests TEST_PREFIX "grade." TEST_FILTER "${class}Class.*"
    PROPERTIES LABELS grade FIXTURES_REQUIRED grade_${class}
    DISCOVERY_MODE PRE_TEST)
endforeach()
add_dependencies(grader_class_tests grader_class_fixture)

# The instructor's one command end to end: a small class graded by chat-grade itself, and every
# report it writes (results.json per student, grades.csv, junit.xml, summary.html) checked.
if(Python3_Interpreter_FOUND)
  add_test(NAME grade.ChatGrade.AClassGradesInOneCommand
    COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_SOURCE_DIR}/tests/chat_grade_class_test.py
            --chat-grade $<TARGET_FILE:chat-grade> --source-dir ${PROJECT_SOURCE_DIR}
            --work ${CMAKE_CURRENT_BINARY_DIR}/chat-grade-class)
  set_tests_properties(grade.ChatGrade.AClassGradesInOneCommand PROPERTIES LABELS grade
                       TIMEOUT 600)
endif()
