// BridgeStats: counters of one WebBridge, for its log lines and for tests that check limits
// (backpressure must bound the bytes held, whatever the peers do).
#ifndef CHATKIT_BRIDGE_BRIDGE_STATS_H_
#define CHATKIT_BRIDGE_BRIDGE_STATS_H_

#include <cstddef>
#include <cstdint>

namespace chatkit {

struct BridgeStats {
  std::uint64_t connections_accepted = 0;
  std::uint64_t requests = 0;          // HTTP request heads read.
  std::uint64_t sessions_opened = 0;   // WebSocket upgrades accepted (101 sent).
  std::size_t sessions_open = 0;       // Upgrades accepted or connecting, not yet closed.
  std::uint64_t bytes_to_target = 0;   // Chat bytes relayed browser -> chat server.
  std::uint64_t bytes_to_browser = 0;  // Chat bytes relayed chat server -> browser.
  // The most bytes one session held for one direction at any time.
  std::size_t peak_queued_for_browser = 0;
  std::size_t peak_queued_for_target = 0;
};

}  // namespace chatkit

#endif  // CHATKIT_BRIDGE_BRIDGE_STATS_H_
