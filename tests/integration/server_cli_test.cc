// chat-server's command line: help, version and usage errors.
#include <gtest/gtest.h>

#include "harness/child_process.h"

namespace chatkit::testing {
namespace {

ExitStatus run_server(TestLoop& loop, std::vector<std::string> args, std::string* out) {
  args.insert(args.begin(), CHATKIT_SERVER_PATH);
  ChildProcess::Options options;
  options.argv = std::move(args);
  ChildProcess process(loop, options);
  const auto status = process.wait_for_exit();
  *out = process.stdout_text() + process.stderr_text();
  return status.value_or(ExitStatus{});
}

TEST(ServerCli, HelpListsEveryOptionAndExitsZero) {
  TestLoop loop;
  std::string out;
  EXPECT_EQ(run_server(loop, {"--help"}, &out).exit_code, 0);
  for (const char* option : {"--stage", "--bind", "--port", "--data", "--max-message-bytes",
                             "--idle-timeout", "--version"}) {
    EXPECT_NE(out.find(option), std::string::npos) << option << " missing from:\n" << out;
  }
  EXPECT_TRUE(loop.close());
}

TEST(ServerCli, VersionPrintsNameAndVersion) {
  TestLoop loop;
  std::string out;
  EXPECT_EQ(run_server(loop, {"--version"}, &out).exit_code, 0);
  EXPECT_EQ(out.rfind("chat-server ", 0), 0u) << out;
  EXPECT_TRUE(loop.close());
}

TEST(ServerCli, UsageErrorsExitTwoWithAReason) {
  TestLoop loop;
  for (std::vector<std::string> args : {std::vector<std::string>{"--stage", "4"},
                                        {"--port", "70000"},
                                        {"--no-such-flag"},
                                        {"--idle-timeout", "-1"}}) {
    std::string out;
    EXPECT_EQ(run_server(loop, args, &out).exit_code, 2) << args[0] << "\n" << out;
    EXPECT_EQ(out.rfind("chat-server: ", 0), 0u)
        << "a usage error names the program, as chat-client's do:\n"
        << out;
    EXPECT_NE(out.find("Run with --help"), std::string::npos) << out;
  }
  EXPECT_TRUE(loop.close());
}

TEST(ServerCli, UsageErrorSaysWhatIsWrongWithTheValue) {
  TestLoop loop;
  std::string out;
  EXPECT_EQ(run_server(loop, {"--stage", "4"}, &out).exit_code, 2);
  EXPECT_EQ(out,
            "chat-server: --stage: Value 4 not in range 1 to 3\n"
            "Run with --help for more information.\n");
  EXPECT_TRUE(loop.close());
}

TEST(ServerCli, BindToANameIsAClearErrorWithExitOne) {
  TestLoop loop;
  std::string out;
  EXPECT_EQ(
      run_server(loop, {"--stage", "2", "--bind", "not-an-ip", "--port", "0"}, &out).exit_code, 1);
  EXPECT_NE(out.find("--bind takes an IP address"), std::string::npos) << out;
  EXPECT_TRUE(loop.close());
}

}  // namespace
}  // namespace chatkit::testing
