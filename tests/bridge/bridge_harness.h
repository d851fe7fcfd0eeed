// Helpers for the bridge's tests: a WebBridge running inside the test on the test's loop, and
// a chat-server stand-in that does not read until told to (for backpressure).
#ifndef CHATKIT_TESTS_BRIDGE_BRIDGE_HARNESS_H_
#define CHATKIT_TESTS_BRIDGE_BRIDGE_HARNESS_H_

#include <uv.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/bridge_options.h"
#include "bridge/web_bridge.h"
#include "harness/test_loop.h"

namespace chatkit::testing {

// Options with short timeouts, so that tests of timeouts take milliseconds, not seconds.
WebBridgeOptions test_bridge_options(const std::string& web_root);

class BridgeUnderTest {
 public:
  // Listens on 127.0.0.1 port 0 and relays to 127.0.0.1:target_port.
  BridgeUnderTest(TestLoop& loop, int target_port, WebBridgeOptions options);
  // Stops the bridge (if the test did not) and runs the loop until it has stopped.
  ~BridgeUnderTest();
  BridgeUnderTest(const BridgeUnderTest&) = delete;
  BridgeUnderTest& operator=(const BridgeUnderTest&) = delete;

  bool started() const { return started_; }
  int port() const { return bridge_.port(); }
  WebBridge& bridge() { return bridge_; }
  // Stops gracefully and waits; false if it did not stop in time.
  bool stop();

  bool log_contains(std::string_view text) const;
  // "bridge log:" and every line so far, for failure messages.
  std::string describe() const;

 private:
  TestLoop& loop_;
  std::vector<std::string> log_;
  WebBridge bridge_;
  bool started_ = false;
  std::string error_;
};

// A listener on 127.0.0.1 port 0 that accepts one connection and reads from it only after
// start_reading(): the chat server that stops reading, whose writes back up into the bridge.
class SilentTarget {
 public:
  explicit SilentTarget(TestLoop& loop);
  ~SilentTarget();
  SilentTarget(const SilentTarget&) = delete;
  SilentTarget& operator=(const SilentTarget&) = delete;

  int port() const { return port_; }
  bool accepted() const { return accepted_; }
  void start_reading();
  // Runs the loop until `count` bytes have arrived (after start_reading()); false on timeout.
  bool wait_for(std::size_t count, milliseconds timeout = kStepTimeout);
  const std::string& received() const { return received_; }
  bool ended() const { return ended_; }

 private:
  static void on_connection(uv_stream_t* server, int status);

  TestLoop& loop_;
  uv_tcp_t listener_{};
  uv_tcp_t connection_{};
  bool accepted_ = false;
  bool ended_ = false;
  int port_ = 0;
  std::string received_;
  std::vector<char> buffer_;
};

}  // namespace chatkit::testing

#endif  // CHATKIT_TESTS_BRIDGE_BRIDGE_HARNESS_H_
