# The Python track of the exercises (exercises/stageN/python/, exercises/solutions/stageN/python/):
# check-stageN-python and its teeth. Included by CMakeLists.txt, after the check programs.
#
#   check-stageN-python   runs stageN-check on exercises/stageN/python/server.py and client.py,
#                         prints the summary and writes build/exercises/stageN-python-summary.json
#
# ctest (labels exercises;stageN;python):
#   exercises.python.stageN.solution            the reference solution passes every check
#   exercises.python.stageN.starter.fails       the untouched starter fails every check that needs
#                                               the stage's work, and passes the two that need
#                                               only the given code (as the C++ starter)
#   exercises.python.stageN.<part>-<mistake>    a broken variant (broken/python/stageN.py) is
#                                               caught by the named checks; a correct variant
#                                               passes them all
#   exercises.python.stageN.socketfuncs-copy    (stages 2, 3) the given socketfuncs.py is
#                                               byte-identical to kit/python/socketfuncs.py
#   exercises.python.stage2.starter-hint        hints name the Python starter's file
#
# The programs run as `python3 -B -X utf8`: -B writes no __pycache__ into the source tree, and
# -X utf8 makes standard output UTF-8 whatever the locale (the checks compare printed text byte
# for byte, and Windows would otherwise print in its ANSI code page).

# The check targets wherever the check programs run (a cross build's checks run under an
# emulator, where this machine's python3 is not); the teeth only in a build with the kit's tests,
# and not on Windows (the Windows job runs the checks under Wine).
if(NOT Python3_Interpreter_FOUND OR CMAKE_CROSSCOMPILING)
  message(STATUS "chatkit: no Python 3 interpreter (or a cross build): no check-stageN-python")
  return()
endif()

# `path` as one argument of a check command: in single quotes only when it needs them, so that the
# command a failure report repeats ("to run just the first failing check again") stays readable.
function(chatkit_python_quote out path)
  if(path MATCHES "[ '\"]")
    set(${out} "'${path}'" PARENT_SCOPE)
  else()
    set(${out} "${path}" PARENT_SCOPE)
  endif()
endfunction()

chatkit_python_quote(python "${Python3_EXECUTABLE}")
set(chatkit_python "${python} -B -X utf8")

# Hints recognise the in-tree Python starter by its path (check_config.h, python_starter_file).
target_compile_definitions(chatkit_exercise_check PRIVATE
  "CHATKIT_EXERCISES_SOURCE_DIR=\"${CMAKE_CURRENT_SOURCE_DIR}\"")

# The --server-cmd / --client-cmd of the Python programs in `dir` (server.py, client.py).
function(chatkit_python_commands stage dir out_server out_client)
  set(data_option "")
  if(stage EQUAL 3)
    set(data_option " --data {data}")
  endif()
  chatkit_python_quote(server "${dir}/server.py")
  chatkit_python_quote(client "${dir}/client.py")
  set(${out_server} "${chatkit_python} ${server} --port {port}${data_option}" PARENT_SCOPE)
  set(${out_client} "${chatkit_python} ${client} --host {host} --port {port} --message {message}"
      PARENT_SCOPE)
endfunction()

# chatkit_python_teeth(<name> STAGE <n> [SERVER_CMD <cmd>] [CLIENT_CMD <cmd>]
#                      [MUST_FAIL <checks>] [MUST_PASS <checks>])
# Checks are named without their stage's prefix ("Server.Foo", "Client.*"). Only the named checks
# run; with a '*' in a name, or none named, every check of the part(s) given a command.
function(chatkit_python_teeth name)
  cmake_parse_arguments(ARG "" "STAGE;SERVER_CMD;CLIENT_CMD" "MUST_FAIL;MUST_PASS" ${ARGN})
  set(args "")
  if(ARG_SERVER_CMD)
    list(APPEND args --server-cmd "${ARG_SERVER_CMD}")
  endif()
  if(ARG_CLIENT_CMD)
    list(APPEND args --client-cmd "${ARG_CLIENT_CMD}")
  endif()
  if(ARG_MUST_FAIL STREQUAL "*")
    list(APPEND args --must-fail "*")
  elseif(ARG_MUST_FAIL)
    list(TRANSFORM ARG_MUST_FAIL PREPEND Stage${ARG_STAGE})
    list(JOIN ARG_MUST_FAIL ":" must_fail)
    list(APPEND args --must-fail ${must_fail})
  endif()
  if(ARG_MUST_PASS)
    list(TRANSFORM ARG_MUST_PASS PREPEND Stage${ARG_STAGE})
    list(JOIN ARG_MUST_PASS ":" must_pass)
    list(APPEND args --must-pass ${must_pass})
  endif()
  # The named checks only; every check of the part(s) under test when a name has a '*' or none is
  # named.
  set(named ${ARG_MUST_FAIL} ${ARG_MUST_PASS})
  list(JOIN named ":" filter)
  if(filter STREQUAL "" OR filter MATCHES "\\*")
    set(filter "*")
    if(ARG_SERVER_CMD AND NOT ARG_CLIENT_CMD)
      set(filter "Stage${ARG_STAGE}Server.*")
    elseif(ARG_CLIENT_CMD AND NOT ARG_SERVER_CMD)
      set(filter "Stage${ARG_STAGE}Client.*")
    endif()
  endif()
  # The durability check watches the server with a Linux preload library; elsewhere it is
  # skipped, which is neither passed nor failed.
  if(ARG_STAGE EQUAL 3 AND NOT CMAKE_SYSTEM_NAME STREQUAL "Linux")
    string(APPEND filter "-Stage3Server.AcknowledgesOnlyAfterThePostIsSynced")
  endif()
  list(APPEND args --gtest_filter=${filter})
  add_test(NAME exercises.python.stage${ARG_STAGE}.${name}
           COMMAND stage${ARG_STAGE}-check --gtest_brief=1 ${args})
  set_tests_properties(exercises.python.stage${ARG_STAGE}.${name} PROPERTIES
    LABELS "exercises;stage${ARG_STAGE};python" TIMEOUT 300)
endfunction()

foreach(stage IN LISTS CHATKIT_EXERCISE_STAGES)
  set(starter_dir ${CMAKE_CURRENT_SOURCE_DIR}/stage${stage}/python)
  chatkit_python_commands(${stage} ${starter_dir} starter_server starter_client)

  # The students' one command: cmake --build build --target check-stageN-python
  add_custom_target(check-stage${stage}-python
    COMMAND stage${stage}-check --gtest_brief=1
            --server-cmd "${starter_server}" --client-cmd "${starter_client}"
            --summary-json ${CMAKE_CURRENT_BINARY_DIR}/stage${stage}-python-summary.json
    DEPENDS stage${stage}-check
    WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}
    COMMENT "Checking stage ${stage}: exercises/stage${stage}/python/server.py and client.py"
    USES_TERMINAL
    VERBATIM)

endforeach()

if(NOT CHATKIT_BUILD_TESTS OR WIN32)
  return()
endif()

foreach(stage IN LISTS CHATKIT_EXERCISE_STAGES)
  chatkit_python_commands(${stage} ${CMAKE_CURRENT_SOURCE_DIR}/stage${stage}/python
                          starter_server starter_client)
  # Teeth: the solution passes every check; the untouched starter fails for the stage's work only.
  chatkit_python_commands(${stage} ${CMAKE_CURRENT_SOURCE_DIR}/solutions/stage${stage}/python
                          solution_server solution_client)
  chatkit_python_teeth(solution STAGE ${stage}
    SERVER_CMD "${solution_server}" CLIENT_CMD "${solution_client}")
  chatkit_python_teeth(starter.fails STAGE ${stage}
    SERVER_CMD "${starter_server}" CLIENT_CMD "${starter_client}"
    MUST_FAIL "*"
    MUST_PASS Server.PrintsItsListeningLineAndAcceptsConnections
              Client.ExitsNonZeroWhenNoServerListens)

  # "--bind ::" listens on every IPv6 and IPv4 address (the checks connect to 127.0.0.1).
  chatkit_python_teeth(starter-dual-stack STAGE ${stage} SERVER_CMD "${starter_server} --bind ::"
    MUST_PASS Server.PrintsItsListeningLineAndAcceptsConnections)
  chatkit_python_teeth(solution-dual-stack STAGE ${stage} SERVER_CMD "${solution_server} --bind ::"
    MUST_PASS Server.PrintsItsListeningLineAndAcceptsConnections)

  # From stage 2 on, socketfuncs.py is given: the course's module, unchanged.
  if(stage GREATER 1)
    foreach(copy stage${stage}/python solutions/stage${stage}/python)
      string(REPLACE "/" "-" copy_name "${copy}")
      add_test(NAME exercises.python.stage${stage}.socketfuncs-copy-in-${copy_name}
        COMMAND ${CMAKE_COMMAND} -E compare_files
                ${PROJECT_SOURCE_DIR}/kit/python/socketfuncs.py
                ${CMAKE_CURRENT_SOURCE_DIR}/${copy}/socketfuncs.py)
      set_tests_properties(exercises.python.stage${stage}.socketfuncs-copy-in-${copy_name}
        PROPERTIES LABELS "exercises;stage${stage};python")
    endforeach()
  endif()
endforeach()

# A failure that the untouched starter produces names its file, as for the C++ starter (the
# summary still repeats --server-cmd: the default command is the C++ starter's). Another program
# under test is "the server under test", also when it is a copy of the starter.
add_test(NAME exercises.python.stage2.starter-hint
  COMMAND stage2-check --gtest_filter=Stage2Server.SendsTheCountZeroAsDecimalTextWhenTheHistoryIsEmpty
          --server-cmd "${chatkit_python} '${CMAKE_CURRENT_SOURCE_DIR}/stage2/python/server.py' --port {port}")
set_tests_properties(exercises.python.stage2.starter-hint PROPERTIES
  LABELS "exercises;stage2;python" TIMEOUT 60
  PASS_REGULAR_EXPRESSION "the TODOs in the starter code \\(exercises/stage2/python/server\\.py\\)")
add_test(NAME exercises.python.stage2.other-server-hint
  COMMAND stage2-check --gtest_filter=Stage2Server.SendsTheCountZeroAsDecimalTextWhenTheHistoryIsEmpty
          --server-cmd "${chatkit_python} '${CMAKE_CURRENT_SOURCE_DIR}/stage1/python/server.py' --port {port}")
set_tests_properties(exercises.python.stage2.other-server-hint PROPERTIES
  LABELS "exercises;stage2;python" TIMEOUT 60
  PASS_REGULAR_EXPRESSION "If the server under test does not do this part of stage 2 yet"
  FAIL_REGULAR_EXPRESSION "starter code")

# Teeth: each broken variant (broken/python/stageN.py, one deliberate mistake) is caught by the
# named checks; each correct variant passes every check of its part.
foreach(stage IN LISTS CHATKIT_EXERCISE_STAGES)
  set(data_option "")
  if(stage EQUAL 3)
    set(data_option " --data {data}")
  endif()
  set(broken_${stage}_server
      "${chatkit_python} '${CMAKE_CURRENT_SOURCE_DIR}/broken/python/stage${stage}.py' server --port {port}${data_option} --mistake")
  set(broken_${stage}_client
      "${chatkit_python} '${CMAKE_CURRENT_SOURCE_DIR}/broken/python/stage${stage}.py' client --host {host} --port {port} --message {message} --mistake")
endforeach()

# Stage 1: the framing is the student's (socketfuncs.py).
chatkit_python_teeth(server-little-endian STAGE 1 SERVER_CMD "${broken_1_server} little-endian"
  MUST_FAIL Server.ReadsTheLengthAsFourBigEndianBytes Server.KeepsMultiByteUtf8TextByteForByte)
chatkit_python_teeth(server-single-recv STAGE 1 SERVER_CMD "${broken_1_server} single-recv"
  MUST_FAIL Server.ReassemblesAFrameArrivingOneByteAtATime)
chatkit_python_teeth(server-no-limit STAGE 1 SERVER_CMD "${broken_1_server} no-limit"
  MUST_FAIL Server.ClosesOnALengthOverTheLimitWithoutWaitingForThePayload)
chatkit_python_teeth(server-prefixed-output STAGE 1
  SERVER_CMD "${broken_1_server} prefixed-output" MUST_PASS Server.*)
chatkit_python_teeth(client-little-endian STAGE 1 CLIENT_CMD "${broken_1_client} little-endian"
  MUST_FAIL Client.SendsOneFrameThenClosesAndExits Client.SendsTheLengthAsFourBigEndianBytes)
chatkit_python_teeth(client-character-length STAGE 1
  CLIENT_CMD "${broken_1_client} character-length"
  MUST_FAIL Client.CountsUtf8BytesNotCharacters)
chatkit_python_teeth(client-one-byte-writes STAGE 1
  CLIENT_CMD "${broken_1_client} one-byte-writes" MUST_PASS Client.*)

# Stage 2: the never-answering peer, and the end of the stream inside a history.
chatkit_python_teeth(server-no-timeout STAGE 2 SERVER_CMD "${broken_2_server} no-timeout"
  MUST_FAIL Server.ServesOtherClientsWhileOneStallsMidFrame)
chatkit_python_teeth(server-one-byte-writes STAGE 2
  SERVER_CMD "${broken_2_server} one-byte-writes" MUST_PASS Server.*)
chatkit_python_teeth(client-item-from-ended-stream STAGE 2
  CLIENT_CMD "${broken_2_client} item-from-ended-stream"
  MUST_FAIL Client.FailsWhenTheServerClosesBeforeTheHistoryIsComplete)
chatkit_python_teeth(client-prefixed-output STAGE 2
  CLIENT_CMD "${broken_2_client} prefixed-output" MUST_PASS Client.*)

# Stage 3: durable posts and the acknowledgement. (The ways of acknowledging before the sync are
# the durability check's teeth, with broken/durability/durability_server.py: check/preload.)
set(unsynced_caught_by "")
if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  set(unsynced_caught_by Server.AcknowledgesOnlyAfterThePostIsSynced)
endif()
chatkit_python_teeth(server-no-flush STAGE 3 SERVER_CMD "${broken_3_server} no-flush"
  MUST_FAIL Server.KeepsTheHistoryAcrossARestart Server.KeepsAnAcknowledgedPostAfterKill9
            ${unsynced_caught_by})
chatkit_python_teeth(server-one-byte-writes STAGE 3
  SERVER_CMD "${broken_3_server} one-byte-writes" MUST_PASS Server.*)
chatkit_python_teeth(client-no-ack-wait STAGE 3 CLIENT_CMD "${broken_3_client} no-ack-wait"
  MUST_FAIL Client.PrintsThePostsSendsItsMessageAndPrintsTheAcknowledgement
            Client.ExitsNonZeroWhenTheServerClosesWithoutAcknowledging)
chatkit_python_teeth(client-prefixed-output STAGE 3
  CLIENT_CMD "${broken_3_client} prefixed-output" MUST_PASS Client.*)
