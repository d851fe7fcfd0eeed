// Hostile clients: byte sequences and behaviours that unfinished or malicious clients produce.
// After each, another client must be served and the history must be exactly the acknowledged
// posts, in order (docs/protocol.md sections 2.6 and 4; docs/reliability.md).
#include <gtest/gtest.h>

#include <random>

#include "kit/diagnostics/byte_dump.h"
#include "kit/protocol/post.h"
#include "tests/integration/server_harness.h"
#include "tests/reliability/reliability_support.h"

namespace chatkit::testing {
namespace {

// A server with short timeouts, so that the tests of stalling clients take seconds.
constexpr const char* kIdleTimeoutSeconds = "3";
constexpr const char* kFrameTimeoutSeconds = "4";

class HostileClients : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerUnderTest>(
        loop_, 3, dir_.path(), dir_.file("history.db"),
        std::vector<std::string>{"--idle-timeout", kIdleTimeoutSeconds, "--frame-timeout",
                                 kFrameTimeoutSeconds});
    ASSERT_TRUE(server_->started()) << server_->describe();
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(post("before the attack " + std::to_string(i)).has_value())
          << server_->describe();
    }
  }

  void TearDown() override {
    if (server_) {
      const auto status = server_->stop();
      ASSERT_TRUE(status.has_value()) << server_->describe();
      EXPECT_EQ(status->exit_code, 0) << "the server must still stop cleanly\n"
                                      << server_->describe();
    }
    server_.reset();
    EXPECT_TRUE(loop_.close());
  }

  // A well-behaved stage-3 conversation; returns the acknowledgement and records it as expected
  // in the history.
  std::optional<std::string> post(const std::string& message) {
    auto client = converse(loop_, server_->port(), message);
    auto ack = client->read_frame();
    if (ack) expected_.push_back(*ack);
    return ack;
  }

  std::vector<std::string> history() { return served_history(loop_, *server_); }

  // The server keeps its promises to everyone else after `attack`.
  void expect_still_serving(const std::string& attack) {
    const auto ack = post("after " + attack);
    ASSERT_TRUE(ack.has_value()) << "after " << attack
                                 << ", a well-behaved client got no acknowledgement\n"
                                 << server_->describe();
    EXPECT_EQ(history(), expected_)
        << "after " << attack << ", the history must be exactly the acknowledged posts\n"
        << server_->describe();
  }

  // Waits for a log line containing `needle`.
  void expect_logged(const std::string& needle) {
    EXPECT_TRUE(server_->process().wait_for_stdout_text(needle))
        << "expected a log line containing \"" << needle << "\"\n"
        << server_->describe();
  }

  struct Outcome {
    PeerClose close = PeerClose::kOpen;
    std::string after_history;  // What the server sent after the history.
  };

  // Connects, reads the history, sends `bytes`, half-closes when asked, and reads until the
  // server ends the connection.
  Outcome attack(std::string_view bytes, bool half_close) {
    Outcome outcome;
    TestClient client(loop_);
    EXPECT_TRUE(client.connect("127.0.0.1", server_->port())) << client.last_error();
    std::string error;
    EXPECT_TRUE(read_history(client, &error).has_value()) << error;
    EXPECT_TRUE(client.send(bytes)) << client.last_error();
    if (half_close) {
      EXPECT_TRUE(client.shutdown_write()) << client.last_error();
    }
    outcome.close = client.read_until_close(&outcome.after_history);
    return outcome;
  }

  void expect_no_answer(const Outcome& outcome, const std::string& attack) {
    EXPECT_NE(outcome.close, PeerClose::kOpen) << attack << ": the server must end the connection";
    EXPECT_EQ(outcome.after_history, "")
        << attack << ": the server must not answer a rejected frame\n"
        << describe_difference("", outcome.after_history);
  }

  TempDir dir_;
  TestLoop loop_;
  std::unique_ptr<ServerUnderTest> server_;
  std::vector<std::string> expected_;  // The acknowledged posts, in order.
};

TEST_F(HostileClients, LengthPrefixFFFFFFFFIsRejectedBeforeAnyAllocation) {
  const Outcome outcome = attack("\xff\xff\xff\xff", /*half_close=*/false);
  expect_no_answer(outcome, "length ff ff ff ff");
  expect_logged("frame length 4294967295 (ff ff ff ff) exceeds the limit of 1048576 bytes");
  expect_still_serving("a 4 GiB length prefix");
}

TEST_F(HostileClients, A64MiBClaimThenCloseIsRejectedAtTheFourthByte) {
  {
    TestClient client(loop_);
    ASSERT_TRUE(client.connect("127.0.0.1", server_->port())) << client.last_error();
    ASSERT_TRUE(client.send(std::string("\x04\x00\x00\x00", 4) + std::string(1000, 'x')));
    client.close();
  }
  expect_logged("frame length 67108864 (04 00 00 00) exceeds the limit");
  expect_still_serving("a 64 MiB claim and a close");
}

TEST_F(HostileClients, TruncatedFrameStoresNothing) {
  const Outcome outcome =
      attack(std::string("\x00\x00\x00\x64", 4) + std::string(50, 'a'), /*half_close=*/true);
  expect_no_answer(outcome, "50 of 100 payload bytes, then FIN");
  expect_logged("connection closed mid-frame after 50 of 100 payload bytes");
  expect_still_serving("a truncated frame");
}

TEST_F(HostileClients, InvalidUtf8IsRejected) {
  const Outcome outcome = attack(std::string("\x00\x00\x00\x02\xc3\x28", 6), /*half_close=*/true);
  expect_no_answer(outcome, "payload c3 28");
  expect_logged("is not valid UTF-8: ill-formed sequence at payload byte 0 (0xc3)");
  expect_still_serving("invalid UTF-8");
}

TEST_F(HostileClients, HalfALengthPrefixThenEndOfStreamIsATruncatedFrame) {
  const Outcome outcome = attack(std::string("\x00\x00", 2), /*half_close=*/true);
  expect_no_answer(outcome, "2 length bytes, then FIN");
  expect_logged("connection closed mid-frame after 2 of 4 length bytes");
  expect_still_serving("half a length prefix and FIN");
}

TEST_F(HostileClients, HalfALengthPrefixThenSilenceIsClosedByTheIdleTimeout) {
  const Outcome outcome = attack(std::string("\x00\x00", 2), /*half_close=*/false);
  expect_no_answer(outcome, "2 length bytes, then silence");
  expect_logged("idle timeout: no progress for 3 s");
  expect_still_serving("half a length prefix and silence");
}

TEST_F(HostileClients, ClientTricklingOneByteASecondIsClosedByTheFrameDeadline) {
  TestClient trickler(loop_);
  ASSERT_TRUE(trickler.connect("127.0.0.1", server_->port())) << trickler.last_error();
  std::string error;
  ASSERT_TRUE(read_history(trickler, &error).has_value()) << error;
  // A 100-byte message, one byte a second: each byte restarts the 3 s idle timer, so only the
  // 4 s frame deadline can end this.
  const std::string frame = encode_frame(std::string(100, 't'));
  std::size_t sent = 0;
  bool served_meanwhile = false;
  while (sent < frame.size() && trickler.peer_close() == PeerClose::kOpen) {
    if (!trickler.send(frame.substr(sent, 1))) break;
    ++sent;
    if (sent == 2) {
      // Another client, while the trickler holds its connection.
      served_meanwhile = post("while a client trickles").has_value();
    }
    const std::string answer = trickler.read_available(milliseconds(1000));
    EXPECT_EQ(answer, "") << "no answer to a partial frame\n" << describe_difference("", answer);
  }
  EXPECT_TRUE(served_meanwhile) << "a trickling client must not delay anyone\n"
                                << server_->describe();
  EXPECT_NE(trickler.peer_close(), PeerClose::kOpen)
      << "the trickler was never closed after " << sent << " bytes\n"
      << server_->describe();
  EXPECT_GE(sent, 4u) << "closed too early: the idle timeout must not fire while bytes arrive\n"
                      << server_->describe();
  EXPECT_LT(sent, 8u) << "the 4 s frame deadline should have closed the connection\n"
                      << server_->describe();
  expect_logged("frame timeout: after ");
  expect_still_serving("a client trickling one byte a second");
}

TEST_F(HostileClients, RandomGarbageIsRejectedOrStoredExactlyAsItsFirstFrame) {
  const std::uint64_t seed = seed_from_env("CHATKIT_GARBAGE_SEED");
  std::mt19937_64 random(seed);
  const int clients = kSanitizedBuild ? 60 : 200;
  int stored = 0;
  for (int i = 0; i < clients; ++i) {
    std::string bytes(random() % 48, '\0');
    for (char& byte : bytes) byte = static_cast<char>(random() % 256);
    if (random() % 3 == 0 && bytes.size() >= 4) {
      // A small length, so that some garbage is a whole frame, and some of that valid UTF-8.
      bytes[0] = bytes[1] = bytes[2] = '\0';
      bytes[3] = static_cast<char>(random() % 24);
      if (random() % 2 == 0) {
        for (std::size_t j = 4; j < bytes.size(); ++j)
          bytes[j] = static_cast<char>('a' + random() % 26);
      }
    }
    // The oracle: our own decoder says what the server must do with these bytes.
    FrameDecoder decoder;
    decoder.feed(bytes);
    const bool whole_frame = decoder.state() == FrameDecoder::State::kFrameDone;
    const std::string message(whole_frame ? decoder.message() : std::string_view());
    const Outcome outcome = attack(bytes, /*half_close=*/true);
    const std::string context = "garbage client " + std::to_string(i) +
                                " (CHATKIT_GARBAGE_SEED=" + std::to_string(seed) + ") sent:\n" +
                                hex_dump(bytes);
    if (whole_frame && !message.empty()) {
      FrameDecoder answer;
      answer.feed(outcome.after_history);
      ASSERT_EQ(answer.state(), FrameDecoder::State::kFrameDone)
          << context << "\nexpected an acknowledgement for \"" << message << "\", got:\n"
          << hex_dump(outcome.after_history) << server_->describe();
      const auto parts = parse_post(answer.message());
      ASSERT_TRUE(parts.has_value()) << context;
      EXPECT_EQ(parts->message, message) << context;
      expected_.emplace_back(answer.message());
      ++stored;
    } else {
      EXPECT_EQ(outcome.after_history, "") << context << "\nno acknowledgement expected\n"
                                           << describe_difference("", outcome.after_history);
    }
    EXPECT_NE(outcome.close, PeerClose::kOpen) << context;
    if (HasFailure()) break;
  }
  RecordProperty("garbage_clients", clients);
  RecordProperty("garbage_stored", stored);
  expect_still_serving(std::to_string(clients) + " clients sending random garbage");
}

TEST_F(HostileClients, ThousandsOfConnectAndResetCyclesLeaveTheServerServing) {
  const int cycles = kSanitizedBuild ? 300 : 2000;
  for (int i = 0; i < cycles; ++i) {
    TestClient client(loop_);
    ASSERT_TRUE(client.connect("127.0.0.1", server_->port()))
        << "cycle " << i << ": " << client.last_error();
    if (i % 2 == 0) {
      client.reset();  // RST at once, before the server's history is read.
    } else {
      ASSERT_TRUE(client.send(std::string("\x00\x00\x00\x05he", 6)));
      client.reset();  // RST mid-frame.
    }
  }
  expect_still_serving(std::to_string(cycles) + " connect-and-reset cycles");
}

TEST_F(HostileClients, BytesAfterTheOneFrameAreNeverASecondPost) {
  const Outcome outcome =
      attack(encode_frame("first") + encode_frame("second") + "\xff\xff\xff\xff", true);
  FrameDecoder answer;
  answer.feed(outcome.after_history);
  ASSERT_EQ(answer.state(), FrameDecoder::State::kFrameDone) << hex_dump(outcome.after_history);
  EXPECT_EQ(parse_post(answer.message())->message, "first");
  expected_.emplace_back(answer.message());
  expect_still_serving("a client sending three frames");
}

}  // namespace
}  // namespace chatkit::testing
