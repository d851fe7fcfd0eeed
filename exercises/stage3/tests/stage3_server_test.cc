// Stage 3 checks of the student's server: posts in the form [<time> <host>] <message>, the
// acknowledgement frame, and a history that survives a restart and a kill -9 right after an
// acknowledged post.
#include <uv.h>

#include <chrono>

#include "exercises/check/exercise_test.h"
#include "exercises/check/hints.h"
#include "exercises/check/preload/durability_check.h"
#include "kit/protocol/post.h"
#include "kit/time/timestamp.h"

namespace chatkit::exercises {
namespace {

using std::chrono::system_clock;

constexpr milliseconds kStallDeadline{6000};

// The name reverse DNS gives 127.0.0.1 ("localhost" on most machines), or "127.0.0.1" itself
// when it has none: what a server's post may hold as the host of a client on this machine.
std::string name_of_localhost(TestLoop& loop) {
  sockaddr_in address{};
  uv_getnameinfo_t request{};
  if (uv_ip4_addr("127.0.0.1", 0, &address) != 0 ||
      uv_getnameinfo(loop.get(), &request, nullptr, reinterpret_cast<const sockaddr*>(&address),
                     NI_NAMEREQD) != 0) {
    return "127.0.0.1";
  }
  return request.host;
}

// Days since 1970-01-01 of a date in the proleptic Gregorian calendar (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// The moment a timestamp accepted by is_local_timestamp() names.
system_clock::time_point parse_timestamp(const std::string& t) {
  auto field = [&](std::size_t at, std::size_t length) { return std::stoll(t.substr(at, length)); };
  const std::int64_t days = days_from_civil(field(0, 4), static_cast<unsigned>(field(5, 2)),
                                            static_cast<unsigned>(field(8, 2)));
  const std::int64_t offset = (t[26] == '-' ? -1 : 1) * (field(27, 2) * 3600 + field(30, 2) * 60);
  const std::int64_t seconds =
      days * 86400 + field(11, 2) * 3600 + field(14, 2) * 60 + field(17, 2) - offset;
  return system_clock::time_point(std::chrono::duration_cast<system_clock::duration>(
      std::chrono::seconds(seconds) + std::chrono::microseconds(field(20, 6))));
}

class Stage3Server : public ServerTest {
 protected:
  // Checks that `ack` is the post of `message`, stored between `before` and `after`.
  bool expect_post(const std::string& ack, const std::string& message,
                   system_clock::time_point before, system_clock::time_point after) {
    const std::optional<PostParts> parts = parse_post(ack);
    if (!parts) {
      return log_.fail(
          "the acknowledgement is not a post of the form \"[<time> <host>] <message>\"",
          "it is " + describe_text(ack) + ":\n" + dump_for_step(ack, 128),
          "a post is '[', the time as 2026-11-24T09:15:02.123456+01:00 (local time, "
          "microseconds, UTC offset: chatkit::local_timestamp_now()), one space, the "
          "host, \"] \", then the message exactly as received.");
    }
    if (parts->message != message) {
      return log_.fail("the post's message is not the message sent",
                       describe_difference(message, parts->message),
                       "the message goes into the post byte for byte, unchanged.");
    }
    const std::string host(parts->host);
    const std::string localhost = name_of_localhost(loop_);
    if (host != "127.0.0.1" && host != localhost) {
      return log_.fail("the post's host is \"" + host + "\"; the client connected from 127.0.0.1",
                       "",
                       "the host is the client's reverse-DNS name (here \"" + localhost +
                           "\") or, without one, its IP address (the one accept() gave).");
    }
    const system_clock::time_point when = parse_timestamp(std::string(parts->time));
    const auto slack = std::chrono::seconds(2);
    if (when < before - slack || when > after + slack) {
      return log_.fail("the post's time " + std::string(parts->time) +
                           " is not the moment the message arrived (now is " +
                           local_timestamp_now() + ")",
                       "",
                       "the time is local time with its UTC offset, taken when the message "
                       "arrives: chatkit::local_timestamp_now().");
    }
    const std::string local_offset = local_timestamp_now().substr(26);
    if (std::string(parts->time).substr(26) != local_offset) {
      return log_.fail("the post's time has the UTC offset " + std::string(parts->time).substr(26) +
                           ", but this machine's local time is at " + local_offset,
                       "", "posts use the server's local time zone.");
    }
    log_.step("the acknowledgement is a well-formed post of the message: time " +
              std::string(parts->time) + ", host " + host);
    return true;
  }

  // One whole conversation: expects exactly `history`, posts `message`, expects the
  // acknowledgement (a correct post, returned in *ack) and the close.
  bool post(const std::string& name, const std::vector<std::string>& history,
            const std::string& message, std::string* ack) {
    std::unique_ptr<Peer> peer = connect(name);
    if (!peer || !expect_history(*peer, history)) return false;
    const system_clock::time_point before = system_clock::now();
    if (!(*peer)->send_frame(message) || !(*peer)->shutdown_write()) return false;
    return read_ack(*peer, message, before, ack) &&
           (*peer)->expect_end("the acknowledgement is the last frame; then the server closes");
  }

  bool read_ack(Peer& peer, const std::string& message, system_clock::time_point before,
                std::string* ack, milliseconds timeout = kExpectTimeout) {
    std::optional<std::string> frame =
        peer->read_frame("the acknowledgement (the stored post)", timeout);
    if (!frame) {
      return log_.fail("no acknowledgement", "",
                       "once the post is on disk (write, then sync), the server sends it back as "
                       "one frame, and then closes. " +
                           hint_not_started(Part::kServer));
    }
    *ack = *frame;
    return expect_post(*frame, message, before, system_clock::now());
  }
};

TEST_F(Stage3Server, PrintsItsListeningLineAndAcceptsConnections) {
  STEP(server_.start());
  STEP(connect("client A"));
}

TEST_F(Stage3Server, SendsTheCountZeroForAFreshHistory) {
  STEP(server_.start());
  STEP(expect_history_of_new_client("client A", {}));
}

TEST_F(Stage3Server, AcknowledgesAPostWithTheStoredPostText) {
  STEP(server_.start());
  std::string ack;
  STEP(post("client A", {}, "Hi ✓ [not a host] 日本語", &ack));
}

TEST_F(Stage3Server, SendsTheStoredPostsOldestFirstByteExact) {
  STEP(server_.start());
  std::vector<std::string> posts(3);
  STEP(post("client A", {}, "first", &posts[0]));
  STEP(post("client B", {posts[0]}, "héllo", &posts[1]));
  STEP(post("client C", {posts[0], posts[1]}, "third", &posts[2]));
  STEP(expect_history_of_new_client("client D", posts));
}

TEST_F(Stage3Server, KeepsTheHistoryAcrossARestart) {
  STEP(server_.start());
  std::vector<std::string> posts(2);
  STEP(post("client A", {}, "before the restart", &posts[0]));
  STEP(post("client B", {posts[0]}, "also before", &posts[1]));
  STEP(server_.restart());
  STEP(expect_history_of_new_client("client C", posts));
}

TEST_F(Stage3Server, KeepsAnAcknowledgedPostAfterKill9) {
  STEP(server_.start());
  std::string first;
  STEP(post("client A", {}, "stored before", &first));
  std::unique_ptr<Peer> b = connect("client B");
  STEP(b);
  STEP(expect_history(*b, {first}));
  const system_clock::time_point before = system_clock::now();
  STEP((*b)->send_frame("acknowledged, then kill -9"));
  STEP((*b)->shutdown_write());
  std::string second;
  STEP(read_ack(*b, "acknowledged, then kill -9", before, &second));
  STEP(server_.restart(/*hard=*/true));
  std::unique_ptr<Peer> c = connect("client C");
  STEP(c);
  STEP(expect_history(*c, {first, second}, kExpectTimeout,
                      "an acknowledged post must be on disk: write it (no buffer in the program: "
                      "it dies with the process) and sync it before the acknowledgement."));
}

TEST_F(Stage3Server, NeverStoresNorAcknowledgesAnEmptyMessage) {
  STEP(server_.start());
  std::unique_ptr<Peer> a = connect("client A");
  STEP(a);
  STEP(expect_history(*a, {}));
  STEP((*a)->send_frame(""));
  STEP((*a)->shutdown_write());
  STEP((*a)->expect_end("an empty message is not stored and gets no acknowledgement"));
  STEP(expect_history_of_new_client("client B", {}));
}

TEST_F(Stage3Server, TreatsHistoryAsAnOrdinaryMessage) {
  STEP(server_.start());
  std::string ack;
  STEP(post("client A", {}, "history", &ack));
  STEP(expect_history_of_new_client("client B", {ack}));
}

TEST_F(Stage3Server, StoresALongMessage) {
  STEP(server_.start());
  std::string message;
  while (message.size() < 100000) message += "a long message ✓ ";
  std::string ack;
  STEP(post("client A", {}, message, &ack));
  STEP(expect_history_of_new_client("client B", {ack}));
}

TEST_F(Stage3Server, RefusesALengthOverTheLimitAndStoresNothing) {
  STEP(server_.start());
  std::unique_ptr<Peer> a = connect("client A");
  STEP(a);
  STEP(expect_history(*a, {}));
  STEP((*a)->send_bytes(std::string("\x00\x10\x00\x01"
                                    "abc",
                                    7),
                        "a length of 1048577 (one byte over the limit) and 3 payload bytes"));
  STEP(
      (*a)->expect_end("a length over the 1 MiB limit is refused at once: no acknowledgement, "
                       "nothing stored",
                       /*reset_ok=*/true));
  STEP(expect_history_of_new_client("client B", {}));
}

TEST_F(Stage3Server, ServesOtherClientsWhileOneStallsMidFrame) {
  STEP(server_.start());
  std::unique_ptr<Peer> b = connect_while_another_stalls(kStallDeadline);
  STEP(b);
  const system_clock::time_point before = system_clock::now();
  STEP((*b)->send_frame("served while A stalls"));
  STEP((*b)->shutdown_write());
  std::string ack;
  STEP(read_ack(*b, "served while A stalls", before, &ack, kStallDeadline));
  STEP(expect_history_of_new_client("client C", {ack}));
}

TEST_F(Stage3Server, ReassemblesAMessageArrivingOneByteAtATime) {
  STEP(server_.start());
  std::unique_ptr<Peer> a = connect("client A");
  STEP(a);
  STEP(expect_history(*a, {}));
  const system_clock::time_point before = system_clock::now();
  STEP((*a)->send_in_pieces(encode_frame("one byte at a time"),
                            "the frame for \"one byte at a time\"", loop_));
  STEP((*a)->shutdown_write());
  std::string ack;
  STEP(read_ack(*a, "one byte at a time", before, &ack));
  STEP(expect_history_of_new_client("client B", {ack}));
}

// A kill -9 cannot tell a synced post from one only written: the kernel keeps both. So a library
// preloaded into the server records its writes, syncs and sends in order, and the
// acknowledgement must come after a sync that covered the post (exercises/check/preload/).
TEST_F(Stage3Server, AcknowledgesOnlyAfterThePostIsSynced) {
  DurabilityWatch watch(log_);
  if (const std::string reason = DurabilityWatch::unavailable_reason(); !reason.empty()) {
    GTEST_SKIP() << reason;
  }
  server_.set_environment(watch.environment(server_.data_path()));
  STEP(server_.start());
  STEP(watch.expect_loaded());
  std::string ack;
  STEP(post("client A", {}, watch.marker(), &ack));
  STEP(watch.expect_synced_before_acknowledgement());
}

}  // namespace
}  // namespace chatkit::exercises
