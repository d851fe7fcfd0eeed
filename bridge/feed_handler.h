// FeedHandler: a WebSocket endpoint of the bridge whose messages come from the program that
// embeds it, not from a chat server (WebBridge::add_feed).
//
// The /ws endpoint relays a browser's bytes to the chat server; a feed is the other kind: the
// embedding program (chat-server --web and its class view, server/class_view/) pushes text
// messages to every page that opened the feed's path, and reads the few requests a page sends
// back. The bridge does the HTTP upgrade (with the same Host, Origin and session limits as
// /ws), the WebSocket framing, the close handshake and the backpressure accounting; the handler
// decides what to say. The bridge never includes the embedder's headers: it knows the handler
// only through this interface.
//
// Threading and lifetime: everything runs on the bridge's loop. A FeedSession is valid from
// on_feed_open() until on_feed_closed() returns; the handler must not keep it afterwards. The
// handler must outlive the bridge's sessions (in practice: the WebBridge).
#ifndef CHATKIT_BRIDGE_FEED_HANDLER_H_
#define CHATKIT_BRIDGE_FEED_HANDLER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace chatkit {

// One page's WebSocket on a feed, as the handler sees it.
class FeedSession {
 public:
  virtual ~FeedSession() = default;
  // Unique among the bridge's sessions while open.
  virtual std::uint64_t session_id() const = 0;
  // Queues one text message (it must be valid UTF-8: a browser fails the WebSocket on anything
  // else). Returns false, queuing nothing, once the session is closing.
  virtual bool send_text(std::string_view text) = 0;
  // Bytes queued for this page and not yet written to its socket: the handler's backpressure
  // signal. A page that reads slower than the handler sends should be sent less, not more.
  virtual std::size_t queued_bytes() const = 0;
  // Ends the session with a close frame (`reason` is cut to fit one); on_feed_closed follows.
  virtual void close(std::uint16_t code, std::string_view reason) = 0;
};

class FeedHandler {
 public:
  virtual ~FeedHandler() = default;
  // A page opened the feed (the 101 response is queued): the handler may send at once.
  virtual void on_feed_open(FeedSession& session) = 0;
  // A text message from the page, whole (at most the feed's message limit; larger ones close
  // the session with 1009 first, binary ones with 1003).
  virtual void on_feed_message(FeedSession& session, std::string_view text) = 0;
  // The session ended, however it ended; nothing more can be sent on it. Called exactly once
  // per on_feed_open().
  virtual void on_feed_closed(FeedSession& session) = 0;
};

}  // namespace chatkit

#endif  // CHATKIT_BRIDGE_FEED_HANDLER_H_
