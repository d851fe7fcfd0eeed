// `chat-server --import FILE` and `--export` (server/import_export.h), end to end: the real
// binary, a real history file, and a server started on it afterwards to see what it serves.
#include <gtest/gtest.h>

#include "kit/diagnostics/byte_dump.h"
#include "kit/protocol/post.h"
#include "tests/integration/server_harness.h"

namespace chatkit::testing {
namespace {

class ImportExport : public ::testing::Test {
 protected:
  void SetUp() override { data_ = dir_.file("history.db"); }
  void TearDown() override { EXPECT_TRUE(loop_.close()); }

  // Runs chat-server with `args` (and --data, unless `with_data` is false) to completion.
  ProgramRun server(std::vector<std::string> args, const std::string* stdin_text = nullptr,
                    bool with_data = true) {
    if (with_data) args.insert(args.begin(), {"--data", data_});
    args.insert(args.begin(), CHATKIT_SERVER_PATH);
    return run_to_completion(loop_, std::move(args), dir_.path(), stdin_text);
  }

  ProgramRun import_text(const std::string& text, std::vector<std::string> extra = {}) {
    const std::string file = dir_.file("import.txt");
    EXPECT_TRUE(write_file(file, text));
    extra.insert(extra.begin(), {"--import", file});
    return server(extra);
  }

  // The history a stage-3 server started on the file sends to a client.
  std::vector<std::string> served_history() {
    ServerUnderTest running(loop_, 3, dir_.path(), data_);
    EXPECT_TRUE(running.started()) << running.describe();
    if (!running.started()) return {};
    TestClient client(loop_);
    EXPECT_TRUE(client.connect("127.0.0.1", running.port())) << client.last_error();
    std::string error;
    auto received = read_history(client, &error);
    EXPECT_TRUE(received.has_value()) << error << "\n" << running.describe();
    client.close();
    const auto status = running.stop();
    EXPECT_TRUE(status.has_value() && status->exit_code == 0) << running.describe();
    return received ? received->items : std::vector<std::string>{};
  }

  TempDir dir_;
  std::string data_;
  TestLoop loop_;
};

TEST_F(ImportExport, ImportStoresEveryLineVerbatimAndTheServerServesThemInOrder) {
  const std::vector<std::string> lines = {
      "[2026-11-24T09:14:40.000017+01:00 192.0.2.7] Hello",
      "héllo wörld ✓ 🎉, from a server that kept its own format",
      "  leading and trailing spaces stay  ",
      "tabs\tand ] brackets [ stay too",
  };
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  const ProgramRun run = import_text(text);
  ASSERT_EQ(run.status.exit_code, 0) << run.command;
  EXPECT_NE(run.out.find("imported 4 posts"), std::string::npos) << run.out;
  const auto served = served_history();
  EXPECT_EQ(served, lines) << "the server must serve the imported lines, byte for byte, oldest "
                              "first";
}

TEST_F(ImportExport, ImportTakesWindowsLineEndsAByteOrderMarkAndSkipsEmptyLines) {
  const ProgramRun run = import_text(
      "\xEF\xBB\xBF"
      "first\r\n\r\nsecond\n\nthird, no newline at the end");
  ASSERT_EQ(run.status.exit_code, 0) << run.command;
  EXPECT_NE(run.out.find("imported 3 posts"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("2 empty lines skipped"), std::string::npos) << run.out;
  const ProgramRun one = import_text("one more\n\n");
  EXPECT_NE(one.out.find("imported 1 post from"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("(1 empty line skipped)"), std::string::npos) << one.out;
  const std::vector<std::string> expected = {"first", "second", "third, no newline at the end",
                                             "one more"};
  EXPECT_EQ(served_history(), expected)
      << "the BOM and the \\r of \\r\\n belong to the file's format, not to the posts";
}

TEST_F(ImportExport, ImportAddsAfterThePostsAlreadyStored) {
  ASSERT_EQ(import_text("one\ntwo\n").status.exit_code, 0);
  const ProgramRun run = import_text("three\n");
  ASSERT_EQ(run.status.exit_code, 0) << run.command;
  const std::vector<std::string> expected = {"one", "two", "three"};
  EXPECT_EQ(served_history(), expected);
}

TEST_F(ImportExport, ImportRefusesInvalidUtf8NamingTheLineAndStoresNothing) {
  ASSERT_EQ(import_text("kept\n").status.exit_code, 0);
  const ProgramRun run = import_text("fine\nalso fine\nbad \xFF byte\nnever reached\n");
  EXPECT_EQ(run.status.exit_code, 1) << run.command;
  EXPECT_NE(run.err.find("line 3"), std::string::npos) << "the error names the line:\n" << run.err;
  EXPECT_NE(run.err.find("0xff"), std::string::npos) << "and the byte:\n" << run.err;
  EXPECT_NE(run.err.find("nothing was stored"), std::string::npos) << run.err;
  EXPECT_EQ(served_history(), std::vector<std::string>{"kept"})
      << "a file with one bad line must not be imported in part";
}

TEST_F(ImportExport, ImportRefusesALineOverTheFrameLimit) {
  const ProgramRun run =
      import_text("short\nthis line is too long\n", {"--max-message-bytes", "10"});
  EXPECT_EQ(run.status.exit_code, 1) << run.command;
  EXPECT_NE(run.err.find("line 2 is 21 bytes long"), std::string::npos) << run.err;
  const ProgramRun exported = server({"--export"});
  EXPECT_EQ(exported.status.exit_code, 1)
      << "a refused import must not even create the history file\n"
      << exported.command;
}

TEST_F(ImportExport, ImportReadsStandardInputForADash) {
  const std::string text = "from a pipe\nsecond line\n";
  const ProgramRun run = server({"--import", "-"}, &text);
  ASSERT_EQ(run.status.exit_code, 0) << run.command;
  const std::vector<std::string> expected = {"from a pipe", "second line"};
  EXPECT_EQ(served_history(), expected);
}

TEST_F(ImportExport, ImportRefusesAFileThatIsNotAChatkitHistoryAndLeavesItUnchanged) {
  const std::string essay = "this is not a database, it is a student's essay\n";
  ASSERT_TRUE(write_file(data_, essay));
  const ProgramRun run = import_text("a post\n");
  EXPECT_EQ(run.status.exit_code, 1) << run.command;
  EXPECT_NE(run.err.find("chat-server:"), std::string::npos) << run.err;
  std::string after;
  ASSERT_TRUE(read_file(data_, &after));
  EXPECT_EQ(after, essay) << describe_difference(essay, after);
}

TEST_F(ImportExport, ImportAndExportAreStageThreeOnly) {
  const ProgramRun run = import_text("a post\n", {"--stage", "2"});
  EXPECT_EQ(run.status.exit_code, 2) << run.command;
  EXPECT_NE(run.err.find("stage-3"), std::string::npos) << run.err;
  const ProgramRun both = server({"--import", dir_.file("import.txt"), "--export"});
  EXPECT_EQ(both.status.exit_code, 2) << "--import and --export exclude each other\n"
                                      << both.command;
}

TEST_F(ImportExport, ExportPrintsOnePostPerLineAndRoundTripsThroughImport) {
  const std::string text =
      "[2026-11-24T09:14:40.000017+01:00 192.0.2.7] Hello\n"
      "héllo wörld ✓ 🎉\n"
      "third\n";
  ASSERT_EQ(import_text(text).status.exit_code, 0);
  const ProgramRun exported = server({"--export"});
  ASSERT_EQ(exported.status.exit_code, 0) << exported.command;
  EXPECT_EQ(exported.out, text) << describe_difference(text, exported.out);
  EXPECT_EQ(exported.err, "");

  // Into a second history, and out again: the same bytes.
  const std::string first = data_;
  data_ = dir_.file("copy.db");
  ASSERT_TRUE(write_file(dir_.file("import.txt"), exported.out));
  ASSERT_EQ(server({"--import", dir_.file("import.txt")}).status.exit_code, 0);
  const ProgramRun again = server({"--export"});
  EXPECT_EQ(again.out, text) << describe_difference(text, again.out);
}

TEST_F(ImportExport, ExportOfAMissingFileFailsWithoutCreatingIt) {
  const ProgramRun run = server({"--export"});
  EXPECT_EQ(run.status.exit_code, 1) << run.command;
  EXPECT_NE(run.err.find("no history file"), std::string::npos) << run.err;
  std::string contents;
  EXPECT_FALSE(read_file(data_, &contents)) << "export must not create " << data_;
}

TEST_F(ImportExport, ExportWarnsAboutEachPostTheTextFormatCannotCarryAndNoOther) {
  // Posted by clients: messages may hold any character, and one-post-per-line cannot keep a
  // "\n" inside a post, nor a "\r" at its end (import takes "\r\n" for a line ending).
  const std::vector<std::string> messages = {"two\nlines", "a carriage\rreturn inside",
                                             "ends in a carriage return\r"};
  std::string expected;
  {
    ServerUnderTest running(loop_, 3, dir_.path(), data_);
    ASSERT_TRUE(running.started()) << running.describe();
    for (const std::string& message : messages) {
      auto client = converse(loop_, running.port(), message);
      auto frame = client->read_frame();
      ASSERT_TRUE(frame.has_value()) << client->last_error() << "\n" << running.describe();
      expected += *frame + "\n";
      client->close();
    }
    ASSERT_TRUE(running.stop().has_value());
  }
  const ProgramRun run = server({"--export"});
  EXPECT_EQ(run.status.exit_code, 0) << run.command;
  EXPECT_EQ(run.out, expected) << describe_difference(expected, run.out);
  EXPECT_NE(run.err.find("post 1 holds a line break"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("post 2"), std::string::npos)
      << "a \"\\r\" inside a post comes back from --import as it went:\n"
      << run.err;
  EXPECT_NE(run.err.find("post 3 ends in a carriage return"), std::string::npos) << run.err;

  // And what the warnings promise is what --import does.
  data_ = dir_.file("copy.db");
  ASSERT_TRUE(write_file(dir_.file("import.txt"), run.out));
  ASSERT_EQ(server({"--import", dir_.file("import.txt")}).status.exit_code, 0);
  const std::vector<std::string> served = served_history();
  ASSERT_EQ(served.size(), 4u) << "post 1 came back as two";
  EXPECT_NE(served[2].find("a carriage\rreturn inside"), std::string::npos) << "post 2 intact";
  EXPECT_EQ(served[3].back(), 'n') << "post 3 lost its \\r";
}

}  // namespace
}  // namespace chatkit::testing
