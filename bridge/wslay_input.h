// WslayInput: the browser's bytes that a wslay event context reads next.
//
// wslay pulls its input through a recv callback, while the bridge has the bytes libuv has just
// read. A WebSocket session (WebSocketRelay, WebSocketFeed) hands them over by calling set(),
// then wslay_event_recv(), then clear(): during that call its recv callback returns read(), which
// copies out what is left and, once nothing is, tells wslay "would block", which ends
// wslay_event_recv(). The bytes are borrowed, never copied or kept beyond clear().
#ifndef CHATKIT_BRIDGE_WSLAY_INPUT_H_
#define CHATKIT_BRIDGE_WSLAY_INPUT_H_

#include <wslay/wslay.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace chatkit {

class WslayInput {
 public:
  // `data` must stay valid until clear().
  void set(const char* data, std::size_t size) {
    data_ = data;
    size_ = size;
  }
  void clear() { set(nullptr, 0); }

  // The body of a wslay recv callback: up to `len` of the bytes left into `buf`.
  ssize_t read(wslay_event_context_ptr ctx, std::uint8_t* buf, std::size_t len) {
    if (size_ == 0) {
      wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
      return -1;
    }
    const std::size_t count = std::min(len, size_);
    std::copy_n(data_, count, buf);
    data_ += count;
    size_ -= count;
    return static_cast<ssize_t>(count);
  }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace chatkit

#endif  // CHATKIT_BRIDGE_WSLAY_INPUT_H_
