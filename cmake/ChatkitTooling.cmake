# Targets that run clang-format and clang-tidy over chatkit's own sources.
file(GLOB_RECURSE CHATKIT_FORMAT_SOURCES CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/kit/*.h ${PROJECT_SOURCE_DIR}/kit/*.cc
     ${PROJECT_SOURCE_DIR}/server/*.h ${PROJECT_SOURCE_DIR}/server/*.cc
     ${PROJECT_SOURCE_DIR}/client/*.h ${PROJECT_SOURCE_DIR}/client/*.cc
     ${PROJECT_SOURCE_DIR}/bridge/*.h ${PROJECT_SOURCE_DIR}/bridge/*.cc
     ${PROJECT_SOURCE_DIR}/grade/*.h ${PROJECT_SOURCE_DIR}/grade/*.cc
     ${PROJECT_SOURCE_DIR}/harness/*.h ${PROJECT_SOURCE_DIR}/harness/*.cc
     ${PROJECT_SOURCE_DIR}/wasm-viewer/*.h ${PROJECT_SOURCE_DIR}/wasm-viewer/*.cc
     ${PROJECT_SOURCE_DIR}/exercises/*.h ${PROJECT_SOURCE_DIR}/exercises/*.cc
     ${PROJECT_SOURCE_DIR}/exercises/*.cpp
     ${PROJECT_SOURCE_DIR}/bench/*.h ${PROJECT_SOURCE_DIR}/bench/*.cc
     ${PROJECT_SOURCE_DIR}/fuzz/*.h ${PROJECT_SOURCE_DIR}/fuzz/*.cc
     ${PROJECT_SOURCE_DIR}/tests/*.h ${PROJECT_SOURCE_DIR}/tests/*.cc)

find_program(CLANG_FORMAT_EXE NAMES clang-format clang-format-14)
if(CLANG_FORMAT_EXE)
  add_custom_target(format
    COMMAND ${CLANG_FORMAT_EXE} -i ${CHATKIT_FORMAT_SOURCES}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    COMMENT "clang-format: rewriting chatkit sources in place")
  add_custom_target(format-check
    COMMAND ${CLANG_FORMAT_EXE} --dry-run --Werror ${CHATKIT_FORMAT_SOURCES}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    COMMENT "clang-format: checking chatkit sources")
endif()

find_program(CLANG_TIDY_EXE NAMES clang-tidy clang-tidy-14)
if(CLANG_TIDY_EXE)
  set(CHATKIT_TIDY_SOURCES ${CHATKIT_FORMAT_SOURCES})
  list(FILTER CHATKIT_TIDY_SOURCES INCLUDE REGEX "\\.cc$")
  add_custom_target(tidy
    COMMAND ${CLANG_TIDY_EXE} -p ${PROJECT_BINARY_DIR} --quiet ${CHATKIT_TIDY_SOURCES}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    COMMENT "clang-tidy: checking chatkit sources")
endif()
