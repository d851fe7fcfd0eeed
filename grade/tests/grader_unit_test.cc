// chat-grade's engine in parts: output capping, submissions told apart, commands, the sandbox's
// report line, and the sandbox itself (Linux, when it can be made here).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>
#include <uv.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "grade/capped_output.h"
#include "grade/check_run.h"
#include "grade/fs.h"
#include "grade/grader.h"
#include "grade/isolation.h"
#include "grade/process.h"
#include "grade/submission.h"
#include "grade/toolchain.h"

namespace chatkit::grade {
namespace {

TEST(CappedOutput, KeepsEverythingThatFits) {
  CappedOutput output(100);
  output.append("hello ");
  output.append("world");
  EXPECT_EQ(output.text(), "hello world");
  EXPECT_EQ(output.total_bytes(), 11u);
}

TEST(CappedOutput, KeepsTheStartAndTheEndOfALongOutputAndSaysHowMuchWasCut) {
  CappedOutput output(100);
  output.append("START");
  for (int i = 0; i < 100000; ++i) output.append("0123456789");
  output.append("END");
  const std::string text = output.text();
  EXPECT_EQ(text.rfind("START", 0), 0u) << text;
  EXPECT_EQ(text.substr(text.size() - 3), "END") << text;
  EXPECT_NE(text.find("bytes cut: the output was 1000008 bytes"), std::string::npos) << text;
  EXPECT_LT(text.size(), 200u);
  EXPECT_EQ(output.total_bytes(), 1000008u);
}

TEST(CappedOutput, FirstLinesSaysHowManyMoreThereWere) {
  EXPECT_EQ(first_lines("a\nb\nc\nd\n", 2), "a\nb\n[... 2 more lines]\n");
  EXPECT_EQ(first_lines("a\nb\n", 2), "a\nb\n");
}

TEST(Isolation, ReadsTheSandboxsLastLineOnly) {
  bool time_ran_out = true;
  EXPECT_EQ(stopped_processes("output\n", &time_ran_out), -1);
  EXPECT_EQ(stopped_processes("x\n  | chat-sandbox: stopped 99 processes (time ran out)\n"
                              "chat-sandbox: stopped 3 processes (the program had ended)\n",
                              &time_ran_out),
            3);
  EXPECT_FALSE(time_ran_out);
  // A student's program printing the line lands indented in a check's report: not the sandbox's.
  EXPECT_EQ(
      stopped_processes("  | chat-sandbox: stopped 99 processes (time ran out)\n", &time_ran_out),
      -1);
  EXPECT_EQ(stopped_processes("chat-sandbox: stopped 7 processes (time ran out)\n", &time_ran_out),
            7);
  EXPECT_TRUE(time_ran_out);
}

TEST(Isolation, GradersRunningAtOnceGetDifferentSlotUids) {
  EXPECT_EQ(slot_uid(1, 0), kSlotUidBase + kSlotUidsPerRun);
  EXPECT_EQ(slot_uid(1, 3), kSlotUidBase + kSlotUidsPerRun + 3);
  EXPECT_NE(slot_uid(100, 3), slot_uid(101, 3));
  EXPECT_NE(slot_uid(100, 255), slot_uid(101, 0));
  EXPECT_LT(slot_uid(4095, 255), 4294967295L);
}

TEST(Submission, IsToldApartByItsFiles) {
  const std::string source = CHATKIT_SOURCE_DIR;
  const Submission cpp1 = inspect_submission("a", source + "/exercises/solutions/stage1/cpp");
  EXPECT_EQ(cpp1.language, Language::kCpp);
  EXPECT_EQ(cpp1.extra_sources, std::vector<std::string>{"socketfuncs.cpp"});
  EXPECT_EQ(inspect_submission("b", source + "/exercises/solutions/stage2/python").language,
            Language::kPython);
  const Submission none =
      inspect_submission("c", source + "/grade/tests/submissions/missing-files");
  EXPECT_EQ(none.language, Language::kUnknown);
  EXPECT_NE(missing_files_problem(none, 1).find("socketfuncs.cpp"), std::string::npos);
  EXPECT_NE(missing_files_problem(none, 1).find("README.txt"), std::string::npos);
}

TEST(Commands, QuoteWhatNeedsQuotingAsTheCheckProgramSplitsIt) {
  EXPECT_EQ(command_word("/a/b"), "/a/b");
  EXPECT_EQ(command_word("/a b/c"), "'/a b/c'");
  EXPECT_EQ(command_word("/it's"), "\"/it's\"");
  const CheckCommands python = python_check_commands(3, "/usr/bin/python3", "/w/src");
  EXPECT_EQ(python.server,
            "/usr/bin/python3 -B -X utf8 /w/src/server.py --port {port} --data {data}");
  EXPECT_EQ(python.client,
            "/usr/bin/python3 -B -X utf8 /w/src/client.py --host {host} --port {port} "
            "--message {message}");
  EXPECT_EQ(cpp_check_commands(2, "/w/s", "/w/c").server, "/w/s --port {port}");
}

TEST(Commands, Stage1LinksTheStudentsSocketfuncsAndNeverTheKits) {
  const Toolchain toolchain = configured_toolchain();
  const auto has = [](const std::vector<std::string>& argv, const std::string& end) {
    for (const std::string& arg : argv) {
      if (arg.size() >= end.size() && arg.compare(arg.size() - end.size(), end.size(), end) == 0) {
        return true;
      }
    }
    return false;
  };
  const auto stage1 = compile_command(toolchain, 1, "/w/src", "server.cpp", {"socketfuncs.cpp"},
                                      "/w/build-server/server");
  EXPECT_TRUE(has(stage1, "/w/src/socketfuncs.cpp"));
  EXPECT_TRUE(has(stage1, "exercises/stage1/cpp"));
  EXPECT_TRUE(has(stage1, "libchatkit_student_sockets.a"));
  EXPECT_FALSE(has(stage1, "libchatkit_student.a"));
  const auto stage2 = compile_command(toolchain, 2, "/w/src", "client.cpp", {}, "/w/c");
  EXPECT_TRUE(has(stage2, "libchatkit_student.a"));
  EXPECT_TRUE(has(stage2, "libchatkit_protocol.a"));
}

// The sandbox itself, where it can be made.
class Sandbox : public ::testing::Test {
 protected:
  void SetUp() override {
    isolation_ = probe_isolation(default_sandbox_program(), true, IsolationLimits{});
    if (!isolation_.sandboxed) GTEST_SKIP() << isolation_.why_weaker;
  }
  ProcessOutcome run(const std::string& script, double budget = 30,
                     const std::vector<std::string>& options = {}) {
    ProcessSpec spec;
    spec.argv = {isolation_.sandbox_program, "--max-processes", "32"};
    spec.argv.insert(spec.argv.end(), options.begin(), options.end());
    if (isolation_.as_root) {  // Root has no process limit: an unprivileged uid, as chat-grade.
      const std::string uid = std::to_string(slot_uid(static_cast<int>(uv_os_getpid()), 255));
      spec.argv.insert(spec.argv.end(), {"--uid", uid, "--gid", uid});
    }
    spec.argv.insert(spec.argv.end(), {"--", "/bin/sh", "-c", script});
    spec.budget_seconds = budget;
    spec.terminate_first = true;
    return run_process_sync(spec);
  }
  Isolation isolation_;
};

TEST_F(Sandbox, RunsTheCommandAsProcessOneOfItsOwnWithAnExitStatus) {
  const ProcessOutcome outcome = run("echo pid $$; exit 3");
  EXPECT_EQ(outcome.exit_code, 3) << outcome.output;
  // Process 1 is the sandbox's init; the command is its first child.
  EXPECT_NE(outcome.output.find("pid 2"), std::string::npos) << outcome.output;
}

TEST_F(Sandbox, HasALoopbackOfItsOwnThatIsUpWithEveryPortFree) {
  // /proc/net/dev lists the interfaces of the reader's network namespace.
  const ProcessOutcome interfaces = run("cut -d: -f1 /proc/net/dev | tail -n +3 | tr -d ' '");
  EXPECT_EQ(interfaces.output, "lo\n") << "the sandbox should have a loopback only";
  if (!executable_by_anyone("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3";
  // Port 10000 is free inside whatever listens on it outside, and 127.0.0.1 answers.
  const ProcessOutcome outcome =
      run("/usr/bin/python3 -c \"import socket; s = socket.create_server(('127.0.0.1', 10000)); "
          "socket.create_connection(('127.0.0.1', 10000)); print('connected')\"");
  EXPECT_EQ(outcome.output, "connected\n");
}

TEST_F(Sandbox, SeesOnlyItsOwnProcessesInProc) {
  // Its init, the shell and the pipeline: pids 1 to 6 of its own pid namespace (AddressSanitizer's
  // leak check reads /proc/<its pid>). The machine's /proc would show far more, and higher pids.
  const ProcessOutcome outcome = run("ls /proc | grep '^[0-9]' | sort -n | tail -n 1");
  EXPECT_LE(std::atoi(outcome.output.c_str()), 6) << outcome.output;
  EXPECT_GE(std::atoi(outcome.output.c_str()), 1) << outcome.output;
}

TEST_F(Sandbox, StopsAndCountsWhatTheCommandLeftRunning) {
  const ProcessOutcome outcome = run("sleep 100 & sleep 100 & exit 0");
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_FALSE(outcome.timed_out);
  EXPECT_NE(outcome.output.find("chat-sandbox: stopped 2 processes (the program had ended)"),
            std::string::npos)
      << outcome.output;
}

TEST_F(Sandbox, StopsEverythingWhenTimeRunsOut) {
  const ProcessOutcome outcome = run("sleep 100 & sleep 100 & wait", 1);
  EXPECT_TRUE(outcome.timed_out);
  // The shell and its two sleeps.
  EXPECT_NE(outcome.output.find("chat-sandbox: stopped 3 processes (time ran out)"),
            std::string::npos)
      << outcome.output;
}

TEST_F(Sandbox, LimitsProcesses) {
  const ProcessOutcome outcome =
      run("i=0; while [ $i -lt 40 ]; do sleep 5 & i=$((i+1)); done 2>&1 | head -1; exit 0");
  EXPECT_NE(outcome.output.find("fork"), std::string::npos) << "the 33rd process should not start\n"
                                                            << outcome.output;
}

TEST_F(Sandbox, LimitsTheMemoryOfEachProcess) {
  if (!executable_by_anyone("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3";
  const std::vector<std::string> limit = {"--max-memory", std::to_string(512LL << 20)};
  const ProcessOutcome small =
      run("/usr/bin/python3 -c 'x = bytes(64 << 20); print(\"got 64 MiB\")'", 30, limit);
  EXPECT_EQ(small.exit_code, 0) << small.output;
  EXPECT_NE(small.output.find("got 64 MiB"), std::string::npos) << small.output;
  const ProcessOutcome large =
      run("/usr/bin/python3 -c 'x = bytes(1 << 30); print(\"got 1 GiB\")'", 30, limit);
  EXPECT_NE(large.exit_code, 0) << large.output;
  EXPECT_NE(large.output.find("MemoryError"), std::string::npos)
      << "1 GiB should be refused under a 512 MiB limit\n"
      << large.output;
  EXPECT_EQ(large.output.find("got 1 GiB"), std::string::npos) << large.output;
}

// Without root, chat-sandbox makes a user namespace first (in which the caller is root) and the
// same containment holds: the path of an instructor who grades as an ordinary user. When the
// tests run as root (CI), the sandbox runs as `nobody` (setpriv, util-linux), from a copy in a
// folder anyone can enter: the build tree may be closed to other users.
TEST(UnprivilegedSandbox, ContainsAnOrdinaryUsersRunThroughAUserNamespace) {
  std::string program = default_sandbox_program();
  if (program.empty()) GTEST_SKIP() << "no chat-sandbox on this system";
  std::vector<std::string> as_user;
  std::string copy_dir;
  if (geteuid() == 0) {
    char base[4096];
    std::size_t size = sizeof base;
    ASSERT_EQ(uv_os_tmpdir(base, &size), 0);
    uv_fs_t request{};
    ASSERT_EQ(
        uv_fs_mkdtemp(nullptr, &request,
                      (std::string(base) + "/chat-sandbox-user-test-XXXXXX").c_str(), nullptr),
        0);
    copy_dir = request.path;
    uv_fs_req_cleanup(&request);
    uv_fs_chmod(nullptr, &request, copy_dir.c_str(), 0755, nullptr);
    uv_fs_req_cleanup(&request);
    std::string error;
    ASSERT_TRUE(copy_file(program, copy_dir + "/chat-sandbox", 0755, &error)) << error;
    program = copy_dir + "/chat-sandbox";
    as_user = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  }
  const auto sandboxed = [&](std::vector<std::string> args) {
    ProcessSpec spec;
    spec.argv = as_user;
    spec.argv.push_back(program);
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.budget_seconds = 30;
    spec.terminate_first = true;
    return run_process_sync(spec);
  };
  const ProcessOutcome probe = sandboxed({"--probe"});
  if (probe.exit_code != 0) {
    remove_tree(copy_dir);
    GTEST_SKIP() << "this system allows no unprivileged user namespace: " << probe.output;
  }
  const ProcessOutcome outcome =
      sandboxed({"--max-processes", "20", "--", "/bin/sh", "-c",
                 "echo \"uid $(id -u)\"; cut -d: -f1 /proc/net/dev | tail -n +3 | tr -d ' '; "
                 "i=0; while [ $i -lt 30 ]; do sleep 5 & i=$((i+1)); done 2>&1 | head -1"});
  remove_tree(copy_dir);
  EXPECT_NE(outcome.output.find("uid 0\n"), std::string::npos)
      << "the caller should be root inside its user namespace\n"
      << outcome.output;
  EXPECT_NE(outcome.output.find("\nlo\n"), std::string::npos)
      << "the sandbox should have a loopback of its own\n"
      << outcome.output;
  EXPECT_NE(outcome.output.find("fork"), std::string::npos) << "the 21st process should not start\n"
                                                            << outcome.output;
  EXPECT_NE(outcome.output.find("chat-sandbox: stopped "), std::string::npos)
      << "the sleeping processes left behind should be stopped and counted\n"
      << outcome.output;
}

// What a check run executes or reads is copied into the grader's working folder, where the
// sandbox's unprivileged user can use it wherever the build and source trees are (a checkout
// only its owner can open: mktemp -d, a home folder).
TEST_F(Sandbox, TheCheckRunsToolsAreCopiedWhereTheStudentsUserCanUseThem) {
  Grading grading;
  std::string notes;
  std::string error;
  GradeOptions options;
  options.stage = 3;
  ASSERT_TRUE(prepare_grading(options, &grading, &notes, &error)) << error;
  ASSERT_FALSE(grading.durability_watch.empty()) << "this Linux build has no durability watch";
  char base[4096];
  std::size_t size = sizeof base;
  ASSERT_EQ(uv_os_tmpdir(base, &size), 0);
  uv_fs_t request{};
  ASSERT_EQ(uv_fs_mkdtemp(nullptr, &request,
                          (std::string(base) + "/chat-grade-tools-test-XXXXXX").c_str(), nullptr),
            0);
  const std::string root = request.path;
  uv_fs_req_cleanup(&request);
  uv_fs_chmod(nullptr, &request, root.c_str(), 0711, nullptr);  // As grade_submissions() does.
  uv_fs_req_cleanup(&request);
  const std::string tools = root + "/tools";

  ASSERT_TRUE(stage_check_tools(tools, &grading, &error)) << error;
  for (const std::string& path : {grading.options.check_program, grading.durability_watch,
                                  grading.kit_python + "/socketfuncs.py"}) {
    EXPECT_EQ(path.compare(0, tools.size() + 1, tools + "/"), 0)
        << path << " is not a copy in " << tools;
  }
  // As the user a student runs as: the check program runs, the others are readable.
  const ProcessOutcome outcome =
      run("test -r '" + grading.durability_watch + "' && test -r '" + grading.kit_python +
          "/socketfuncs.py' && '" + grading.options.check_program + "' --gtest_list_tests");
  remove_tree(root);
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_NE(outcome.output.find("Stage3Server."), std::string::npos) << outcome.output;
}

// chat-grade's command line.
TEST(Cli, SaysHowToCallItWhenNeitherAClassNorASingleFolderIsGiven) {
  ProcessSpec spec;
  spec.argv = {CHATKIT_CHAT_GRADE, "--stage", "2"};
  const ProcessOutcome outcome = run_process_sync(spec);
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.output.find("chat-grade: give either SUBMISSIONS and --out DIR, or --single "
                                "DIR and --results FILE"),
            std::string::npos)
      << outcome.output;
}

TEST(Cli, SingleGradesOneFolderPrintsProgressAndWritesItsResults) {
  const std::string results = std::string(CHATKIT_GRADER_TEST_DIR) + "/single/results.json";
  remove_tree(results);
  ProcessSpec spec;
  spec.argv = {CHATKIT_CHAT_GRADE,
               "--stage",
               "2",
               "--single",
               std::string(CHATKIT_SOURCE_DIR) + "/exercises/solutions/stage2/python",
               "--results",
               results,
               "--budget",
               "60"};
  const ProcessOutcome outcome = run_process_sync(spec);
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_NE(outcome.output.find("[1/1] submission: 21/21 passed, "), std::string::npos)
      << outcome.output;
  EXPECT_NE(outcome.output.find("graded 1 students in "), std::string::npos) << outcome.output;
  EXPECT_NE(outcome.output.find(" students/minute"), std::string::npos) << outcome.output;
#ifdef CHATKIT_GRADE_HAVE_REPORTS
  std::string text;
  ASSERT_TRUE(read_file(results, &text)) << "no " << results << "\n" << outcome.output;
  EXPECT_NE(text.find("\"score\": 21"), std::string::npos) << text.substr(0, 2000);
#endif
}

// A build tree that only its owner can open (a checkout in mktemp -d's folder, as CI's) grades
// like any other: here the check program and the submission are in such a folder.
TEST(Cli, GradesWhenTheCheckProgramIsInAFolderOnlyItsOwnerCanOpen) {
  const std::string dir = std::string(CHATKIT_GRADER_TEST_DIR) + "/owner-only";
  const std::string check_program = dir + "/stage3-check";
  const std::string results = std::string(CHATKIT_GRADER_TEST_DIR) + "/owner-only-results.json";
  std::string error;
  remove_tree(dir);
  remove_tree(results);
  ASSERT_TRUE(copy_tree(std::string(CHATKIT_SOURCE_DIR) + "/exercises/solutions/stage3/python",
                        dir + "/submission", &error))
      << error;
  ASSERT_TRUE(copy_file(default_check_program(3), check_program, 0700, &error)) << error;
  uv_fs_t request{};
  ASSERT_EQ(uv_fs_chmod(nullptr, &request, dir.c_str(), 0700, nullptr), 0);
  uv_fs_req_cleanup(&request);
  ProcessSpec spec;
  spec.argv = {CHATKIT_CHAT_GRADE,  "--stage",   "3",     "--single",
               dir + "/submission", "--results", results, "--check-program",
               check_program,       "--budget",  "90"};
  const ProcessOutcome outcome = run_process_sync(spec);
  remove_tree(dir);
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
  const std::size_t line = outcome.output.find("[1/1] submission: ");
  ASSERT_NE(line, std::string::npos) << outcome.output;
  int passed = -1;
  int total = -2;
  ASSERT_EQ(
      std::sscanf(outcome.output.c_str() + line, "[1/1] submission: %d/%d passed", &passed, &total),
      2)
      << outcome.output;
  EXPECT_EQ(passed, total) << "the reference solution should pass every check:\n" << outcome.output;
}

// Processes whose command line holds `token`.
int count_processes_with(const std::string& token) {
  std::vector<DirEntry> entries;
  std::string error;
  list_dir("/proc", &entries, &error);
  int count = 0;
  for (const DirEntry& entry : entries) {
    std::string cmdline;
    if (entry.name.find_first_not_of("0123456789") == std::string::npos &&
        read_file("/proc/" + entry.name + "/cmdline", &cmdline) &&
        cmdline.find(token) != std::string::npos) {
      ++count;
    }
  }
  return count;
}

// Ctrl-C while a student's programs run: chat-grade stops them all, even one that left its
// process group (the never-exits submission's background process), and exits 130.
TEST(Cli, StoppingTheGraderStopsEveryStudentsProcesses) {
  if (!probe_isolation(default_sandbox_program(), true, IsolationLimits{}).sandboxed) {
    GTEST_SKIP() << "without the sandbox a process that leaves its group outlives the grader";
  }
  const std::string dir = std::string(CHATKIT_GRADER_TEST_DIR) + "/stop";
  const std::string submissions = std::string(CHATKIT_SOURCE_DIR) + "/grade/tests/submissions";
  const std::string student = dir + "/class/never-exits";
  std::string error;
  remove_tree(dir);
  ASSERT_TRUE(copy_tree(submissions + "/never-exits", student, &error)) << error;
  ASSERT_TRUE(copy_tree(submissions + "/common", student, &error)) << error;
  std::string client;
  ASSERT_TRUE(read_file(
      std::string(CHATKIT_SOURCE_DIR) + "/exercises/solutions/stage2/python/client.py", &client));
  ASSERT_TRUE(write_file(student + "/client.py", client, &error)) << error;
  const std::string token = "chatkit-grade-stop-test-" + std::to_string(uv_hrtime());
  uv_os_setenv("CHATKIT_GRADE_TEST_TOKEN", token.c_str());

  uv_loop_t loop;
  uv_loop_init(&loop);
  std::vector<std::string> args = {CHATKIT_CHAT_GRADE, "--stage",  "2",   "--out",
                                   dir + "/out",       "--budget", "120", dir + "/class"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  uv_process_options_t options{};
  options.file = argv[0];
  options.args = argv.data();
  options.exit_cb = [](uv_process_t* process, std::int64_t status, int) {
    *static_cast<std::int64_t*>(process->data) = status;
    uv_close(reinterpret_cast<uv_handle_t*>(process), nullptr);
  };
  uv_process_t grader;
  std::int64_t exit_status = -1;
  grader.data = &exit_status;
  ASSERT_EQ(uv_spawn(&loop, &grader, &options), 0);
  // Waits for the submission's background process to appear (a few per check run), then
  // interrupts the grader.
  struct Watch {
    uv_process_t* grader;
    std::string token;
    int seen = 0;
  } watch{&grader, token};
  uv_timer_t timer;
  uv_timer_init(&loop, &timer);
  timer.data = &watch;
  uv_timer_start(
      &timer,
      [](uv_timer_t* handle) {
        auto* w = static_cast<Watch*>(handle->data);
        w->seen = count_processes_with(w->token);
        if (w->seen >= 1) {
          uv_process_kill(w->grader, SIGINT);
          uv_close(reinterpret_cast<uv_handle_t*>(handle), nullptr);
        }
      },
      100, 100);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  EXPECT_GE(watch.seen, 1);
  EXPECT_EQ(exit_status, 128 + SIGINT);
  EXPECT_EQ(count_processes_with(token), 0) << "processes of the submission outlived the grader";
  remove_tree(dir);
}

}  // namespace
}  // namespace chatkit::grade
