// WslayOutput: the frame bytes a wslay event context sends, gathered into one write.
//
// wslay pushes what it sends through a send callback, in many small pieces per
// wslay_event_send(). A WebSocket session (WebSocketRelay, WebSocketFeed) gathers them here and
// hands them to libuv as one write once the call returns (take()). accept() is the body of the
// send callback: it fails the send once the browser connection is closing, and says "would
// block" while `window` bytes already wait for the browser (gathered here, plus in flight in
// libuv), so that a browser that does not read leaves the frames in wslay's queue, which the
// session's backpressure watches, instead of in an ever larger write.
#ifndef CHATKIT_BRIDGE_WSLAY_OUTPUT_H_
#define CHATKIT_BRIDGE_WSLAY_OUTPUT_H_

#include <wslay/wslay.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace chatkit {

class WslayOutput {
 public:
  // The body of a wslay send callback: takes all `len` bytes, or none with wslay's error set.
  ssize_t accept(wslay_event_context_ptr ctx, const std::uint8_t* data, std::size_t len,
                 bool closing, std::size_t in_flight, std::size_t window) {
    if (closing) {
      wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
      return -1;
    }
    if (bytes_.size() + in_flight >= window) {
      wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
      return -1;
    }
    bytes_.append(reinterpret_cast<const char*>(data), len);
    return static_cast<ssize_t>(len);
  }

  std::size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  // Everything gathered so far; nothing is left here.
  std::string take() { return std::exchange(bytes_, std::string()); }

 private:
  std::string bytes_;
};

}  // namespace chatkit

#endif  // CHATKIT_BRIDGE_WSLAY_OUTPUT_H_
