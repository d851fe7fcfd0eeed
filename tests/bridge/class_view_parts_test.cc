// The class view's parts in process: the recorder's bounds, the feed's budget and backpressure,
// the JSON it writes and the requests it reads, the access rules, and what exists without --web.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bridge/embedder_routes.h"
#include "harness/test_loop.h"
#include "kit/log/logger.h"
#include "kit/net/address.h"
#include "server/class_view/class_feed.h"
#include "server/class_view/class_recorder.h"
#include "server/class_view/class_view.h"
#include "server/class_view/connection_diagnosis.h"
#include "server/class_view/json_text.h"
#include "server/web_viewer.h"
#include "tests/bridge/class_view_page.h"

namespace chatkit::testing {
namespace {

sockaddr_storage loopback(int port) {
  sockaddr_storage addr;
  parse_ip_address("127.0.0.1", port, &addr);
  return addr;
}

class EvictionLog : public ClassRecorder::Listener {
 public:
  void on_recorded() override { ++recorded; }
  void on_evicted(std::uint64_t id) override { evicted.push_back(id); }
  int recorded = 0;
  std::vector<std::uint64_t> evicted;
};

std::vector<std::uint64_t> kept_ids(const ClassRecorder& recorder) {
  std::vector<std::uint64_t> ids;
  for (const auto& record : recorder.records()) ids.push_back(record->id);
  return ids;
}

TEST(ClassRecorder, KeepsTheLastNConnectionsAndTellsWhichItEvicted) {
  ClassRecorder recorder(ClassViewLimits{3, 8});
  EvictionLog log;
  recorder.set_listener(&log);
  for (std::uint64_t id = 1; id <= 5; ++id) {
    const sockaddr_storage peer = loopback(50000 + static_cast<int>(id));
    recorder.on_opened(id, reinterpret_cast<const sockaddr*>(&peer));
  }
  EXPECT_EQ(kept_ids(recorder), (std::vector<std::uint64_t>{3, 4, 5}));
  EXPECT_EQ(log.evicted, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(recorder.find(5)->peer, "127.0.0.1:50005");
  // Events of an evicted connection change nothing.
  const std::uint64_t version = recorder.version();
  recorder.on_client_bytes(1, "abc", 3);
  recorder.on_closed(2, ConnectionEnd::kClose);
  EXPECT_EQ(recorder.version(), version);
  EXPECT_EQ(recorder.find(1), nullptr);
  // A recycled record starts empty.
  recorder.on_client_bytes(3, "abcdefgh", 8);
  recorder.on_closed(3, ConnectionEnd::kReset);
  const sockaddr_storage peer = loopback(1);
  recorder.on_refused(6, reinterpret_cast<const sockaddr*>(&peer));
  const ConnectionRecord* refused = recorder.find(6);
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->in.total, 0u);
  EXPECT_TRUE(refused->in.kept.empty());
  EXPECT_EQ(refused->end, ConnectionEnd::kRefused);
  EXPECT_GE(refused->closed_ms, refused->opened_ms);
  EXPECT_EQ(log.evicted, (std::vector<std::uint64_t>{1, 2, 3}));
}

TEST(ClassRecorder, KeepsTheFirstMBytesEachWayAndCountsThemAll) {
  ClassRecorder recorder(ClassViewLimits{4, 8});
  const sockaddr_storage peer = loopback(1);
  recorder.on_opened(1, reinterpret_cast<const sockaddr*>(&peer));
  recorder.on_client_bytes(1, "01234", 5);
  recorder.on_client_bytes(1, "56789", 5);
  recorder.on_client_bytes(1, "abcdefghij", 10);
  char history[] = "ABCDEFGHIJKL";
  uv_buf_t bufs[2] = {uv_buf_init(history, 6), uv_buf_init(history + 6, 6)};
  recorder.on_server_bytes(1, bufs, 2);
  recorder.on_message(1, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");  // 5 x "é", 10 bytes.
  const ConnectionRecord& record = *recorder.find(1);
  EXPECT_EQ(record.in.kept, "01234567");
  EXPECT_EQ(record.in.total, 20u);
  EXPECT_EQ(record.out.kept, "ABCDEFGH");
  EXPECT_EQ(record.out.total, 12u);
  EXPECT_FALSE(record.in.complete());
  // Cut to 8 bytes at a character boundary: 4 whole characters.
  EXPECT_EQ(record.posts, (std::vector<std::string>{"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"}));
}

TEST(ClassDiagnosis, TheClientsEndIsItsOwnFinOrResetFirstThenTheServers) {
  ConnectionRecord record;
  EXPECT_EQ(client_stream_end(record), StreamEnd::kOpen);
  record.end = ConnectionEnd::kIdleTimeout;
  EXPECT_EQ(client_stream_end(record), StreamEnd::kIdleTimeout);
  record.end = ConnectionEnd::kProtocolError;
  EXPECT_EQ(client_stream_end(record), StreamEnd::kOpen);  // The server cut it.
  record.client_ended = true;
  record.client_fin = true;
  EXPECT_EQ(client_stream_end(record), StreamEnd::kClosed);
  record.client_fin = false;
  EXPECT_EQ(client_stream_end(record), StreamEnd::kReset);
  record.end = ConnectionEnd::kRefused;
  EXPECT_EQ(client_stream_end(record), StreamEnd::kRefused);
}

TEST(ClassFeedJson, Base64IsRfc4648) {
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
      {std::string("\x00\xff\xfe", 3), "AP/+"}};
  for (const auto& [bytes, text] : vectors) {
    std::string out;
    append_base64(out, bytes);
    EXPECT_EQ(out, text);
    EXPECT_EQ(decode_base64(out), bytes);
  }
}

TEST(ClassFeedJson, StringsAreEscapedAndAlwaysValidUtf8) {
  std::string out;
  append_json_string(out, std::string("a\"b\\c\n\x01\x7f", 8));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\u000a\\u0001\\u007f\"");
  out.clear();
  // A lone continuation byte, a cut 3-byte character and an overlong NUL become U+FFFD (one per
  // maximal ill-formed part, as a browser's decoder does); the valid characters around them stay.
  append_json_string(out, "\xc3\xa9 \x80 \xe2\x82 \xc0\x80 \xe2\x82\xac");
  EXPECT_EQ(out,
            "\"\xc3\xa9 \xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd "
            "\xe2\x82\xac\"");
  EXPECT_FALSE(nlohmann::json::parse(out, nullptr, false).is_discarded());
}

TEST(ClassFeedJson, OnlyABytesRequestIsTaken) {
  std::string why;
  for (const char* good : {R"({"type":"bytes","id":17})", R"( { "id" : 0 , "type" : "bytes" } )"}) {
    const std::optional<FeedRequest> request = parse_feed_request(good, &why);
    ASSERT_TRUE(request.has_value()) << good;
  }
  EXPECT_EQ(parse_feed_request(R"({"type":"bytes","id":17})", &why)->bytes_of, 17u);
  for (const char* bad :
       {"", "{}", "[]", R"({"type":"bytes"})", R"({"id":1})", R"({"type":"bytes","id":-1})",
        R"({"type":"bytes","id":"1"})", R"({"type":"bytes","id":1,"x":2})",
        R"({"type":"bytes","id":1} x)", R"({"type":"bytes","id":1,"id":2})",
        R"({"type":"post","id":1})", R"({"type":"bytes","id":99999999999999999999})", "not json"}) {
    why.clear();
    EXPECT_FALSE(parse_feed_request(bad, &why).has_value()) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
}

TEST(ClassViewAccessRules, TheTokenIsTakenFromTheQueryAndComparedWhole) {
  EXPECT_EQ(query_parameter("/class?token=abc", "token"), "abc");
  EXPECT_EQ(query_parameter("/class?x=1&token=abc&y=2", "token"), "abc");
  EXPECT_EQ(query_parameter("/class?tokens=abc", "token"), std::nullopt);
  EXPECT_EQ(query_parameter("/class", "token"), std::nullopt);
  EXPECT_EQ(query_parameter("/class?token", "token"), "");
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abd", "abc"));
  EXPECT_FALSE(constant_time_equal("ab", "abc"));
  EXPECT_FALSE(constant_time_equal("abcd", "abc"));
  EXPECT_FALSE(constant_time_equal("", "abc"));

  EmbedderRoutes routes;
  routes.require_token("/class", "0123", "needs the token");
  EXPECT_EQ(routes.refusal("/class", "/class?token=0123"), std::nullopt);
  EXPECT_EQ(routes.refusal("/class", "/class?token=0124"), "needs the token");
  EXPECT_EQ(routes.refusal("/class", "/class"), "needs the token");
  EXPECT_EQ(routes.refusal("/", "/"), std::nullopt);
  EXPECT_EQ(routes.refusal("/ws", "/ws"), std::nullopt);
}

TEST(ClassViewAccessRules, OnlyLoopbackAddressesGoWithoutAToken) {
  for (const char* ip : {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(is_loopback_address(ip)) << ip;
  }
  for (const char* ip :
       {"0.0.0.0", "::", "192.0.2.5", "10.0.0.1", "::ffff:10.0.0.1", "fe80::1", "localhost", ""}) {
    EXPECT_FALSE(is_loopback_address(ip)) << ip;
  }
}

// A page as the feed sees it: the texts it was sent, and a queue the test sets.
class FakeSession : public FeedSession {
 public:
  std::uint64_t session_id() const override { return 1; }
  bool send_text(std::string_view text) override {
    messages.push_back(nlohmann::json::parse(text));
    return true;
  }
  std::size_t queued_bytes() const override { return queued; }
  void close(std::uint16_t, std::string_view) override { closed = true; }
  std::vector<nlohmann::json> messages;
  std::size_t queued = 0;
  bool closed = false;
};

TEST(ClassFeed, AnUpdateCarriesAtMostTheBudgetOfBytesAndTheRestFollows) {
  TestLoop loop;
  {
    const std::size_t size = ClassFeed::kTickBudgetBytes * 3 / 5;  // Two exceed a tick's budget.
    ClassRecorder recorder(ClassViewLimits{10, size});
    ClassFeed feed(loop.get(), recorder, ClassFeed::Settings{Stage::kHistory, 1 << 20, "x"});
    FakeSession page;
    feed.on_feed_open(page);
    ASSERT_EQ(page.messages.size(), 1u);
    EXPECT_EQ(page.messages[0]["type"], "hello");
    const std::string bytes(size, 'x');
    for (std::uint64_t id = 1; id <= 3; ++id) {
      const sockaddr_storage peer = loopback(1);
      recorder.on_opened(id, reinterpret_cast<const sockaddr*>(&peer));
      recorder.on_client_bytes(id, bytes.data(), bytes.size());
    }
    ASSERT_TRUE(loop.run_until([&] { return page.messages.size() >= 2; }));
    const nlohmann::json& first = page.messages[1];
    ASSERT_EQ(first["type"], "update");
    ASSERT_EQ(first["connections"].size(), 3u) << first.dump().substr(0, 300);
    // The newest gets its bytes; the budget has no room left for the others.
    EXPECT_EQ(first["connections"][2]["bytes_pending"], false);
    EXPECT_EQ(first["connections"][2]["in"].get<std::string>().size(), base64_size(size));
    for (int i : {0, 1}) {
      EXPECT_EQ(first["connections"][i]["bytes_pending"], true);
      EXPECT_EQ(first["connections"][i]["in"], "");
      EXPECT_EQ(first["connections"][i]["in_from"], 0);
    }
    // The bytes left behind come in the next ticks, within the budget each time.
    ASSERT_TRUE(loop.run_until([&] { return page.messages.size() >= 4; }));
    for (int m : {2, 3}) {
      ASSERT_EQ(page.messages[m]["connections"].size(), 1u);
      EXPECT_EQ(page.messages[m]["connections"][0]["id"], 4 - m);
      EXPECT_EQ(page.messages[m]["connections"][0]["bytes_pending"], false);
    }

    // A page with more than kMaxQueuedBytes unread gets nothing until it reads.
    page.queued = ClassFeed::kMaxQueuedBytes + 1;
    recorder.on_closed(3, ConnectionEnd::kClose);
    loop.run_for(ClassFeed::kTick * 3);
    EXPECT_EQ(page.messages.size(), 4u);
    page.queued = 0;
    ASSERT_TRUE(loop.run_until([&] { return page.messages.size() == 5; }));
    EXPECT_EQ(page.messages[4]["connections"][0]["end"], "close");
    feed.on_feed_closed(page);
  }
  EXPECT_TRUE(loop.close());
}

TEST(ClassFeed, AnUpdateCarriesAtMostItsRowsNewestFirstAndTheOlderOnesFollow) {
  TestLoop loop;
  {
    const std::size_t burst = ClassFeed::kMaxConnectionsPerTick + 10;
    ClassRecorder recorder(ClassViewLimits{1000, 64});
    ClassFeed feed(loop.get(), recorder, ClassFeed::Settings{Stage::kHistory, 1 << 20, "x"});
    FakeSession page;
    feed.on_feed_open(page);
    for (std::uint64_t id = 1; id <= burst; ++id) {
      const sockaddr_storage peer = loopback(1);
      recorder.on_opened(id, reinterpret_cast<const sockaddr*>(&peer));
      recorder.on_client_bytes(id, "hi", 2);
    }
    ASSERT_TRUE(loop.run_until([&] { return page.messages.size() >= 3; }));
    // The first update: the newest kMaxConnectionsPerTick, oldest of them first, with bytes.
    const nlohmann::json& first = page.messages[1]["connections"];
    ASSERT_EQ(first.size(), ClassFeed::kMaxConnectionsPerTick);
    EXPECT_EQ(first.front()["id"], burst - ClassFeed::kMaxConnectionsPerTick + 1);
    EXPECT_EQ(first.back()["id"], burst);
    EXPECT_EQ(first.back()["bytes_pending"], false);
    // The next: the 10 older ones, nothing sent twice.
    const nlohmann::json& second = page.messages[2]["connections"];
    ASSERT_EQ(second.size(), 10u);
    EXPECT_EQ(second.front()["id"], 1);
    EXPECT_EQ(second.back()["id"], 10);
    // A later change to one the page has is sent alone.
    recorder.on_closed(5, ConnectionEnd::kClose);
    ASSERT_TRUE(loop.run_until([&] { return page.messages.size() >= 4; }));
    ASSERT_EQ(page.messages[3]["connections"].size(), 1u);
    EXPECT_EQ(page.messages[3]["connections"][0]["id"], 5);
    EXPECT_EQ(page.messages[3]["connections"][0]["end"], "close");
    feed.on_feed_closed(page);
  }
  EXPECT_TRUE(loop.close());
}

TEST(ClassFeed, APageThatAsksFasterThanItReadsIsClosed) {
  TestLoop loop;
  {
    ClassRecorder recorder(ClassViewLimits{});
    ClassFeed feed(loop.get(), recorder, ClassFeed::Settings{Stage::kHistory, 1 << 20, "x"});
    FakeSession page;
    feed.on_feed_open(page);
    const sockaddr_storage peer = loopback(1);
    recorder.on_opened(1, reinterpret_cast<const sockaddr*>(&peer));
    feed.on_feed_message(page, R"({"type":"bytes","id":1})");
    ASSERT_EQ(page.messages.size(), 2u);
    EXPECT_EQ(page.messages[1]["type"], "bytes");
    page.queued = ClassFeed::kMaxQueuedForRequests + 1;
    feed.on_feed_message(page, R"({"type":"bytes","id":1})");
    EXPECT_EQ(page.messages.size(), 2u);
    EXPECT_TRUE(page.closed);
    feed.on_feed_closed(page);
  }
  EXPECT_TRUE(loop.close());
}

TEST(ClassView, WithoutWebNothingIsRecorded) {
  TestLoop loop;
  {
    Logger logger;
    ServerOptions server;
    WebViewerOptions options;  // No --web.
    WebViewer viewer(loop.get(), options, server, logger);
    // chat-server gives this to ChatServer::set_observer(): null, so no hook does anything.
    EXPECT_EQ(viewer.observer(), nullptr);

    options.port = 0;
    WebViewer with_web(loop.get(), options, server, logger);
    EXPECT_NE(with_web.observer(), nullptr);
  }
  EXPECT_TRUE(loop.close());
}

}  // namespace
}  // namespace chatkit::testing
