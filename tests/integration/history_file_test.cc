// chat-server and its stage-3 history file, end to end: a damaged file is refused, a file has
// one server at a time (an --import too), an export works from a read-only copy and beside a
// running server, and a server that could not start says only why.
#include <gtest/gtest.h>

#include "kit/diagnostics/byte_dump.h"
#include "tests/integration/server_harness.h"

namespace chatkit::testing {
namespace {

class ServerHistoryFile : public ::testing::Test {
 protected:
  void SetUp() override { data_ = dir_.file("history.db"); }
  void TearDown() override { EXPECT_TRUE(loop_.close()); }

  // Runs `chat-server --data <data_> <args>` to completion.
  ProgramRun run_server(std::vector<std::string> args) {
    args.insert(args.begin(), {CHATKIT_SERVER_PATH, "--data", data_});
    return run_to_completion(loop_, std::move(args), dir_.path());
  }

  ProgramRun import_lines(const std::string& text) {
    EXPECT_TRUE(write_file(dir_.file("import.txt"), text));
    return run_server({"--import", dir_.file("import.txt")});
  }

  std::string expect_refused(const std::string& why) {
    return expect_server_refuses(loop_, dir_.path(), data_, why);
  }

  TempDir dir_;
  std::string data_;
  TestLoop loop_;
};

const char kFivePosts[] =
    "[2026-12-06T06:00:01.000000+00:00 host1] message number 1\n"
    "[2026-12-06T06:00:02.000000+00:00 host2] message number 2\n"
    "[2026-12-06T06:00:03.000000+00:00 host3] message number 3\n"
    "[2026-12-06T06:00:04.000000+00:00 host4] message number 4\n"
    "[2026-12-06T06:00:05.000000+00:00 host5] message number 5\n";

TEST_F(ServerHistoryFile, RefusesAHistoryCutShortAndLeavesItAsItIs) {
  // The instructor's report: `truncate -s 5000` on a five-post history; the server loaded five
  // empty posts, served them, and wrote the next post into the damaged file.
  ASSERT_EQ(import_lines(kFivePosts).status.exit_code, 0);
  std::string bytes;
  ASSERT_TRUE(read_file(data_, &bytes));
  ASSERT_GT(bytes.size(), 5000u);
  bytes.resize(5000);
  ASSERT_TRUE(write_file(data_, bytes));

  const std::string reason = expect_refused("a history cut short");
  EXPECT_NE(reason.find("damaged"), std::string::npos) << reason;
  EXPECT_NE(reason.find("left as it is"), std::string::npos) << reason;
  std::string after;
  ASSERT_TRUE(read_file(data_, &after));
  EXPECT_EQ(after, bytes) << describe_difference(bytes, after);
  const ProgramRun exported = run_server({"--export"});
  EXPECT_EQ(exported.status.exit_code, 1) << "an export of it says it is damaged too\n"
                                          << exported.command;
}

TEST_F(ServerHistoryFile, ASecondServerOnTheSameFileIsRefusedAsInUse) {
  ASSERT_EQ(import_lines("first post\n").status.exit_code, 0);
  ServerUnderTest first(loop_, 3, dir_.path(), data_);
  ASSERT_TRUE(first.started()) << first.describe();

  const std::string reason = expect_refused("a second server on a file the first one holds");
  EXPECT_NE(reason.find("in use by another program"), std::string::npos) << reason;

  const auto status = first.stop();
  ASSERT_TRUE(status.has_value() && status->exit_code == 0) << first.describe();
  ServerUnderTest again(loop_, 3, dir_.path(), data_);
  EXPECT_TRUE(again.started()) << "the file is free once the first server stopped\n"
                               << again.describe();
  EXPECT_TRUE(again.stop().has_value());
}

TEST_F(ServerHistoryFile, AnImportIntoARunningServersFileIsRefusedAndStoresNothing) {
  ASSERT_EQ(import_lines("first post\n").status.exit_code, 0);
  {
    ServerUnderTest running(loop_, 3, dir_.path(), data_);
    ASSERT_TRUE(running.started()) << running.describe();
    const ProgramRun imported = import_lines("never served\n");
    EXPECT_EQ(imported.status.exit_code, 1) << imported.command;
    EXPECT_NE(imported.err.find("in use by another program"), std::string::npos) << imported.err;
    ASSERT_TRUE(running.stop().has_value()) << running.describe();
  }
  const ProgramRun exported = run_server({"--export"});
  EXPECT_EQ(exported.out, "first post\n") << exported.command;
}

TEST_F(ServerHistoryFile, ExportReadsBesideARunningServer) {
  // docs/instructors.md: the history can be read, and backed up, while the server runs.
  ASSERT_EQ(import_lines("one\ntwo\n").status.exit_code, 0);
  ServerUnderTest running(loop_, 3, dir_.path(), data_);
  ASSERT_TRUE(running.started()) << running.describe();
  auto client = converse(loop_, running.port(), "three");
  ASSERT_TRUE(client->read_frame().has_value()) << client->last_error() << running.describe();
  client->close();

  const ProgramRun exported = run_server({"--export"});
  EXPECT_EQ(exported.status.exit_code, 0) << exported.command;
  EXPECT_EQ(exported.out.rfind("one\ntwo\n[", 0), 0u)
      << "the export holds every committed post, the acknowledged one too:\n"
      << exported.out;
  EXPECT_NE(exported.out.find("] three\n"), std::string::npos) << exported.out;
  EXPECT_TRUE(running.stop().has_value());
}

TEST_F(ServerHistoryFile, TheStartLogSpeaksInWordsAndSeconds) {
  ASSERT_EQ(import_lines("the only post\n").status.exit_code, 0);
  ServerUnderTest server(loop_, 3, dir_.path(), data_, {"--idle-timeout", "1.5"});
  ASSERT_TRUE(server.started()) << server.describe();
  for (const char* text : {"idle timeout 1.5 s", "frame timeout 30 s", "loaded 1 post from"}) {
    EXPECT_TRUE(server.process().wait_for_stdout_text(text)) << "\"" << text << "\" missing\n"
                                                             << server.describe();
  }
  EXPECT_TRUE(server.stop().has_value());
}

TEST_F(ServerHistoryFile, AServerThatCannotListenSaysOnlyWhy) {
  ServerUnderTest first(loop_, 3, dir_.path(), dir_.file("first.db"));
  ASSERT_TRUE(first.started()) << first.describe();
  const ProgramRun second =
      run_server({"--bind", "127.0.0.1", "--port", std::to_string(first.port())});
  EXPECT_EQ(second.status.exit_code, 1) << second.command;
  EXPECT_NE(second.err.find("address already in use"), std::string::npos) << second.err;
  EXPECT_EQ(second.out, "")
      << "no \"history store closed\" or \"stopped\" from a server that never started\n"
      << second.command;
  EXPECT_TRUE(first.stop().has_value());
}

}  // namespace
}  // namespace chatkit::testing
