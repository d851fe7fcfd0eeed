// ClassFeed: the class view's WebSocket feed at /class/ws: every connection to the chat port, as
// it happens, for the page wasm-viewer/www/class.html.
//
// The protocol (JSON text messages; the page codes against exactly this):
//
// server -> page
//   {"type":"hello","stage":2,"chat":"0.0.0.0:10000","max_connections":200,"max_bytes":16384,
//    "max_message_bytes":1048576,"connections":[Conn...]}
//       once, on open: every kept connection, oldest first, with all its kept bytes.
//   {"type":"update","connections":[Conn...]}
//       at most every 100 ms (kTick; 1 s while busy, kBusyTick): connections that changed since
//       the page was last sent them (new ones included), at most 20, the newest that changed,
//       listed oldest first, with their bytes as deltas (see "Bounds" below).
//   {"type":"dropped","ids":[3,4]}
//       connections this page was sent that are no longer kept (evicted by newer ones); sent
//       before the update that carries the newer ones.
//   {"type":"bytes","id":N,"in":"<base64>","out":"<base64>"}
//       the answer to the page's request: all kept bytes of N both ways (a connection no longer
//       kept is answered with {"type":"dropped","ids":[N]} instead).
//
// page -> server
//   {"type":"bytes","id":N}    the only request. Anything else closes the feed with 1008 and a
//       reason that says so (binary messages: 1003, more than 4096 bytes: 1009): the class view
//       is read-only, nothing a page sends changes the server.
//
// Conn (every field always present):
//   {"id":17,                       the server's connection number, as in its log ("#17");
//                                   a refused connection takes the next number too
//    "peer":"127.0.0.1:53122",
//    "opened":1765011600123,        ms since the Unix epoch
//    "closed":null | ms,
//    "end":null | "close" | "reset" | "idle timeout" | "refused" | "protocol error" |
//          "server stopped",        (server/class_view/connection_observer.h says which is which)
//    "in_total":n,"out_total":n,    bytes so far: in = client -> server, out = server -> client
//    "in_kept":n,"out_kept":n,      of which kept: the first --class-bytes of each direction
//    "in_from":k,"in":"<base64>",   kept bytes from offset k on: what the page lacks
//    "out_from":k,"out":"<base64>",
//    "bytes_pending":false,         true: this message carries no bytes ("in" and "out" are "",
//                                   the offsets are what the page has); they come in a later
//                                   update, or at once when the page asks ("bytes")
//    "posts":["text",...],          the message taken from this client (stage 3: handed to the
//                                   store), cut to --class-bytes at a character boundary
//    "diagnosis":null | {"mistake":"little-endian-length","what":"...","hint":"..."},
//                                   the kit's recognisers on the client's kept bytes
//                                   (kit/diagnostics/mistakes.h; "hint" may be "")
//    "error":null | "the server's protocol error text"}
//
// Bounds and backpressure: each tick sends one page at most kMaxConnectionsPerTick connections,
// the newest that changed (the older ones follow in later ticks while they are kept), and at most
// kTickBudgetBytes of connection bytes (before base64), the newest connections' first; the others
// that changed are sent with "bytes_pending":true. After a tick that left something for later,
// the next one waits kBusyTick instead of kTick. So what a page receives, and what it costs the
// server and the browser, stays bounded however fast connections come: at thousands of
// connections a second nobody can read them all, and most are evicted before a page could draw
// them (docs/performance.md, "Class view", measured what an unbounded feed cost). A page with
// more than kMaxQueuedBytes still queued on its WebSocket gets nothing that tick; it catches up
// once it reads. The hello carries every kept byte (at most 2 × max_bytes × max_connections).
//
// Lifetime: registered with the bridge (WebBridge::routes().add_feed) and the recorder; lives
// until the loop has run to completion. Its timer exists only while pages are open, and closes
// when the last page goes (the bridge closes every session when it stops).
#ifndef CHATKIT_SERVER_CLASS_VIEW_CLASS_FEED_H_
#define CHATKIT_SERVER_CLASS_VIEW_CLASS_FEED_H_

#include <uv.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "bridge/feed_handler.h"
#include "kit/protocol/stage.h"
#include "server/class_view/class_recorder.h"

namespace chatkit {

class ClassFeed final : public FeedHandler, public ClassRecorder::Listener {
 public:
  static constexpr std::chrono::milliseconds kTick{100};
  // The tick after one that left something for later (rows or bytes past their bounds): the
  // server is busy, and a page drawing the newest rows ten times a second would take the CPU it
  // needs, for rows gone before anyone could read them.
  static constexpr std::chrono::milliseconds kBusyTick{1000};
  static constexpr std::size_t kMaxConnectionsPerTick = 20;
  static constexpr std::size_t kTickBudgetBytes = 64 * 1024;
  static constexpr std::size_t kMaxQueuedBytes = 1024 * 1024;
  // A page that asks for bytes while this much is still unread on its WebSocket is closed
  // (1008): it asks faster than it reads, and the answers would pile up in the server.
  static constexpr std::size_t kMaxQueuedForRequests = 64 * 1024 * 1024;

  struct Settings {
    Stage stage = Stage::kPersisted;
    std::uint32_t max_message_bytes = 0;
    std::string chat_address;  // "0.0.0.0:10000", as the server listens.
  };

  // Listens to `recorder`, which must outlive the feed.
  ClassFeed(uv_loop_t* loop, ClassRecorder& recorder, Settings settings);
  // Precondition: no page open (the bridge has stopped) and the loop has run since.
  ~ClassFeed() override;
  ClassFeed(const ClassFeed&) = delete;
  ClassFeed& operator=(const ClassFeed&) = delete;

  std::size_t pages() const { return pages_.size(); }

  // FeedHandler.
  void on_feed_open(FeedSession& session) override;
  void on_feed_message(FeedSession& session, std::string_view text) override;
  void on_feed_closed(FeedSession& session) override;
  // ClassRecorder::Listener.
  void on_recorded() override;
  void on_evicted(std::uint64_t id) override;

 private:
  // What one page has been sent.
  struct Page {
    FeedSession* session = nullptr;
    std::uint64_t seen_version = 0;  // Every change up to this version was sent.
    struct Sent {
      std::size_t in = 0;  // Kept bytes the page has, each way.
      std::size_t out = 0;
      std::uint64_t version = 0;  // The record's version the page was last sent.
    };
    std::unordered_map<std::uint64_t, Sent> sent;  // The connections the page knows.
    std::vector<std::uint64_t> dropped;            // Evicted since its last message.
    bool behind = false;  // Something is left to send (skipped, or bytes past the budget).
  };

  static void on_tick(uv_timer_t* timer);
  Page* page_of(FeedSession& session);
  // Starts the tick timer (creating it if needed) unless it is running.
  void arm();
  void tick();
  // Sends `page` what changed; returns whether something is still left to send it.
  bool update(Page& page);
  const std::optional<DiagnosisText>& diagnosis(ConnectionRecord& record);

  uv_loop_t* loop_;
  ClassRecorder& recorder_;
  Settings settings_;
  std::vector<std::unique_ptr<Page>> pages_;
  uv_timer_t* timer_ = nullptr;  // While pages are open; freed by its close callback.
  bool armed_ = false;
  bool busy_ = false;  // The last tick left something for later: the next waits kBusyTick.
  std::uint64_t last_tick_ms_ = 0;
  // update(): which records are sent this tick, and which of them with their bytes.
  std::vector<bool> selected_;
  std::vector<bool> with_bytes_;
};

}  // namespace chatkit

#endif  // CHATKIT_SERVER_CLASS_VIEW_CLASS_FEED_H_
