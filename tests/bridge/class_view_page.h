// ClassPage: what the class view's page does with the feed (server/class_view/class_feed.h),
// for the tests: it opens /class/ws, applies hello, update, dropped and bytes messages, and
// rebuilds each connection's bytes from the deltas, checking the feed's own promises on the way
// (deltas start where the page is, kept counts match the bytes, ids are new or known).
#ifndef CHATKIT_TESTS_BRIDGE_CLASS_VIEW_PAGE_H_
#define CHATKIT_TESTS_BRIDGE_CLASS_VIEW_PAGE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/test_loop.h"
#include "tests/bridge/ws_test_client.h"

namespace chatkit::testing {

// One connection as the page knows it: the last Conn object and the bytes assembled so far.
struct PageConnection {
  nlohmann::json conn;
  std::string in;               // Client -> server, kept bytes.
  std::string out;              // Server -> client.
  std::string end() const;      // "" while open.
  std::string mistake() const;  // The diagnosis id, "" for none.
  bool pending() const { return conn.value("bytes_pending", false); }
};

// Standard base64 (with padding) decoded; nullopt on anything else.
std::optional<std::string> decode_base64(const std::string& text);

class ClassPage {
 public:
  explicit ClassPage(TestLoop& loop, std::uint32_t seed = 7);

  // GET /class/ws[?token=...] on 127.0.0.1:port; true on 101, then reads the hello.
  bool open(int port, const std::string& token = "");
  // Reads and applies messages until `done()` holds (checked first) or `timeout` passes.
  bool wait_until(const std::function<bool()>& done, milliseconds timeout = kStepTimeout);
  // Waits for connection `id` to have ended.
  bool wait_for_end(std::uint64_t id, milliseconds timeout = kStepTimeout);
  // Sends {"type":"bytes","id":N} and waits for the answer; nullopt when none came.
  std::optional<nlohmann::json> ask_bytes(std::uint64_t id);

  const nlohmann::json& hello() const { return hello_; }
  const std::map<std::uint64_t, PageConnection>& connections() const { return connections_; }
  const PageConnection* find(std::uint64_t id) const;
  const std::vector<std::uint64_t>& dropped() const { return dropped_; }
  // Broken promises of the feed seen so far, one line each; empty when all is well.
  const std::vector<std::string>& problems() const { return problems_; }
  std::uint64_t updates() const { return updates_; }
  WsTestClient& ws() { return ws_; }
  // The socket's steps and the last messages, for failure messages.
  std::string describe() const;

 private:
  bool read_one(milliseconds timeout);
  void apply(const nlohmann::json& message);
  void apply_connection(const nlohmann::json& conn);

  WsTestClient ws_;
  nlohmann::json hello_;
  std::map<std::uint64_t, PageConnection> connections_;
  std::vector<std::uint64_t> dropped_;
  std::vector<nlohmann::json> bytes_answers_;
  std::vector<std::string> problems_;
  std::vector<std::string> last_messages_;
  std::uint64_t updates_ = 0;
};

}  // namespace chatkit::testing

#endif  // CHATKIT_TESTS_BRIDGE_CLASS_VIEW_PAGE_H_
