// ClientSession: what a chat client makes of the server's bytes on one connection, as a state
// machine with no I/O. It mirrors ServerSession (server_session.h) on the other end of the wire.
//
// The program that holds the connection (chat-client on libuv, the browser viewer through
// WebAssembly, a test, the fuzzer) feeds it the server's bytes in any chunking, the end of the
// server's stream, a lost connection and the expiry of its own timers; it tells the session when
// it sends its one message. The session decides what each byte means for the stage the client was
// set to, and says so as events: the history's count, each item, the history complete, the stage-3
// acknowledgement, the conversation ended as the protocol says, or a failure that names the
// protocol error and, where the server's bytes give it away, the stage the server seems to run.
//
// The conversation, one per connection (docs/protocol.md, section 3):
//   stage 1: the client sends its message; the server sends nothing and closes.
//   stage 2: the server sends the count ("3", decimal text) and the items; the client sends its
//            message; for `history` the server sends a second count and items, then closes;
//            for any other message it just closes.
//   stage 3: as stage 2 without the command; for a non-empty message the server sends the stored
//            post (the acknowledgement), then closes; for the empty message it just closes.
//
// Why an event queue and not a Delegate like ServerSession's: every caller of this class wants the
// events as data. The WebAssembly build cannot call back into JavaScript without embind (whose glue
// needs `new Function`, which the bridge's Content-Security-Policy forbids), but it can hand a list
// of plain records across its C interface; the fuzzer and the unit tests compare the events of
// different chunkings with ==; chat-client loops over them. The events own their text, so they
// outlive the bytes they were decoded from (the viewer frees its input buffer at once).
//
// Timeouts are the caller's: the session never reads a clock. waiting_for() says what the session
// waits for; when the caller's timer for it expires, it calls on_timeout() with the time it waited,
// in words, and the session says what that means (a silent stage-1 server, an unacknowledged post).
#ifndef CHATKIT_KIT_PROTOCOL_CLIENT_SESSION_H_
#define CHATKIT_KIT_PROTOCOL_CLIENT_SESSION_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kit/framing/frame_codec.h"
#include "kit/protocol/stage.h"

namespace chatkit {

// Where the client's conversation stands. The allowed transitions are asserted in the .cc:
//   kAwaitingCount -> kReadingItems (count > 0) | kReadyToSend (count 0, first history)
//                     | kAwaitingClose (count 0, the history `history` asked for)
//   kReadingItems  -> kReadyToSend (last item, first history) | kAwaitingClose (last item, second)
//   kReadyToSend   -> kAwaitingCount (stage 2 `history`) | kAwaitingAck (stage 3, non-empty)
//                     | kAwaitingClose (any other message, or send_nothing())
//   kAwaitingAck   -> kAwaitingClose (the acknowledgement arrived)
//   kAwaitingClose -> kEnded
//   any phase but kEnded and kFailed -> kFailed
enum class ClientPhase {
  kAwaitingCount,  // Stages 2-3: the history's count frame (on connect, or after `history`).
  kReadingItems,   // The items the count announced, oldest first.
  kReadyToSend,    // The history is in (stage 1: from the start): the client's turn to send.
  kAwaitingAck,    // Stage 3, after a non-empty message: the stored post.
  kAwaitingClose,  // The server owes nothing more; its close ends the conversation.
  kEnded,          // The conversation ended as the protocol says. Nothing more is taken.
  kFailed,         // It failed; failure() says why. Nothing more is taken.
};

// The protocol errors a client can meet, named as on the server side where they are the same.
enum class ClientError {
  kNone,
  kCountNotDecimal,  // The count frame's payload is not 1 to 18 decimal digits.
  kEmptyItem,        // A history item is the empty message, which no server ever stores.
  kFrameTooLong,     // A length prefix over the client's limit (FrameError::kTooLong).
  kInvalidUtf8,      // A payload that is not well-formed UTF-8 (FrameError::kInvalidUtf8).
  kTruncatedFrame,   // The server's stream ended inside a frame.
  kBytesAfterEnd,    // A frame where the server owed none (after the history, the message, the
                     // acknowledgement; any frame from a stage-1 server).
  kClosedEarly,      // The server closed, between frames, before it sent what it owed.
  kNotAcknowledged,  // Stage 3: the post went out and no acknowledgement came (closed, reset,
                     // timed out): its fate is unknown.
  kUnexpectedReply,  // A reply of the other stage's kind: a count where the acknowledgement was
                     // due, or an acknowledgement (a post) where the count was due.
  kNoCount,          // Stages 2-3: the caller's count timer expired before the first byte.
  kTimedOut,         // The caller's timer expired in the middle of the history.
  kHistoryNotSent,   // Stage 2: `history` refused, because the server seems to run stage 3.
  kConnectionLost,   // The connection failed (a reset, a network error) while something was owed.
};

// What the server's bytes show about its stage when it is not the client's. Each sign names the
// evidence; seems_to_run() gives the stage it points to.
enum class StageSign {
  kNone,
  kNoCountLikeStage1,         // No byte at all where the count was due (closed, or silent).
  kClosedWithoutAckStage2,    // A post closed without acknowledgement, after plain-text items.
  kCountForPostLikeStage2,    // A history count in reply to a stage-3 post.
  kAckForHistoryLikeStage3,   // A post in reply to stage 2's `history`: it was stored as a post.
  kPostsInHistoryLikeStage3,  // Every history item is a stage-3 post (`history` not sent).
  kAckForMessageLikeStage3,   // A post in reply to a stage-2 message.
};
// 1, 2 or 3 for a sign; 0 for kNone.
int seems_to_run(StageSign sign);

// Why a conversation failed. Rendered for people as
//   headline + (sign != kNone ? remedy : "") + details
// where the caller's remedy says what to do about the stage (chat-client: ": try --stage 2"; the
// viewer: its own words), so that every program says the same thing in its own terms.
struct ClientFailure {
  ClientError error = ClientError::kNone;
  // The phase the session was in: kAwaitingAck means the post went out and its fate is unknown.
  ClientPhase phase = ClientPhase::kAwaitingCount;
  StageSign sign = StageSign::kNone;
  // One line. With a sign it ends with "it seems to run stage N".
  std::string headline;
  // "" or more that follows the remedy: "; ..." or ":\n" and an indented byte dump.
  std::string details;

  std::string describe(std::string_view remedy = "") const;
  bool operator==(const ClientFailure& other) const;
};

struct ClientEvent {
  enum class Kind {
    kCount,            // The count frame: `count` items follow.
    kItem,             // History item `number` (from 1) of `count`, in `text`.
    kHistoryComplete,  // All `count` items are in.
    kAcknowledged,     // Stage 3: the stored post, in `text`.
    kEnded,            // The conversation ended as the protocol says (the close expected).
    kFailed,           // The conversation failed; `failure` says how.
  };
  Kind kind = Kind::kEnded;
  // kCount, kItem, kHistoryComplete: 1 for the history sent on connect, 2 for the one `history`
  // asked for.
  int history = 0;
  std::uint64_t count = 0;
  std::uint64_t number = 0;
  std::string text;
  // The server's frame the event comes from, counting from 0; -1 for events of no one frame
  // (kEnded, and failures at the end of the stream, on a timeout or on refusing `history`).
  std::int64_t frame = -1;
  ClientFailure failure;  // kFailed only.

  bool operator==(const ClientEvent& other) const;
};

// A name for the phase, for logs and the viewer ("awaiting count").
const char* to_string(ClientPhase phase);
const char* to_string(ClientEvent::Kind kind);
const char* to_string(ClientError error);

class ClientSession {
 public:
  using Phase = ClientPhase;

  // A client of `stage` that accepts server frames of up to `max_message_bytes` payload bytes.
  // Stages 2 and 3 start awaiting the count; stage 1 starts ready to send.
  ClientSession(Stage stage, std::uint32_t max_message_bytes);

  // Bytes from the server, in any chunking. Events go to the queue; bytes after the end (kEnded,
  // kFailed) are ignored.
  void on_bytes(const char* data, std::size_t size);
  void on_bytes(std::string_view bytes) { on_bytes(bytes.data(), bytes.size()); }
  // The server closed its side (EOF). Where nothing more was owed this ends the conversation
  // (kEnded); otherwise it fails: a truncated frame, a history cut short, no acknowledgement.
  void on_peer_closed();
  // The connection failed without an orderly close (a reset, a network error). `reason` is the
  // caller's sentence for it ("the server reset the connection without acknowledging"); it
  // becomes the failure's headline, after "post sent but not acknowledged: " when the
  // acknowledgement was due. Where nothing was owed that the loss could take (stage 3 after the
  // empty message or the acknowledgement, after the second history) the conversation ends.
  void on_connection_lost(std::string_view reason);
  // The caller's timer for what waiting_for() named expired after `waited` ("0.5 s"). Awaiting
  // the count before any byte: no count (a stage-1 server sends nothing); in the history: timed
  // out; awaiting the acknowledgement: not acknowledged; awaiting the close: the conversation
  // ends (nothing was owed). Ready to send, ended or failed: nothing happens.
  void on_timeout(std::string_view waited);

  // The client sends `message` (valid UTF-8 within the server's limit: the caller's checks).
  // Precondition: phase() is kReadyToSend. Returns the frame to write, or nullopt when the session
  // refuses the message and fails (kHistoryNotSent: a stage-2 `history` when every history item
  // is a stage-3 post, since a stage-3 server would store it for good).
  std::optional<std::string> send_message(std::string_view message);
  // The client will send nothing and close (the viewer's "fetch the history"): a normal end, the
  // server closes. Precondition: phase() is kReadyToSend.
  void send_nothing();

  // The events since the last call, oldest first.
  std::vector<ClientEvent> take_events();
  bool has_events() const { return !events_.empty(); }

  Phase phase() const { return phase_; }
  Stage stage() const { return stage_; }
  // What the server owes next, and thus what a caller's timer would wait for: kAwaitingCount,
  // kReadingItems, kAwaitingAck or kAwaitingClose; kReadyToSend when it is the client's turn.
  Phase waiting_for() const { return phase_; }
  // Set once phase() is kFailed.
  const ClientFailure& failure() const { return failure_; }
  // Bytes fed so far: 0 means the server has said nothing at all.
  std::uint64_t bytes_received() const { return bytes_received_; }
  const FrameDecoder& decoder() const { return decoder_; }
  // The history in progress or last received: its count (once known) and items so far.
  std::uint64_t history_count() const { return count_; }
  std::uint64_t items_received() const { return items_received_; }

 private:
  void on_frame(std::string_view payload);
  void on_count_frame(std::string_view payload);
  void on_item_frame(std::string_view payload);
  void on_ack_frame(std::string_view payload);
  void on_frame_not_owed(std::string_view payload);
  void on_decoder_failed();
  void note_first_history_item(std::string_view payload);
  void history_complete();
  bool over() const { return phase_ == Phase::kEnded || phase_ == Phase::kFailed; }
  // Moves to `next`, asserting the transition is allowed.
  void transition_to(Phase next);
  void emit(ClientEvent event);
  void fail(ClientError error, StageSign sign, std::string headline, std::string details = "",
            std::int64_t frame = -1);
  std::int64_t current_frame() const;
  // "before the history count arrived", "after 1 of 3 history items".
  std::string history_progress() const;

  Stage stage_;
  FrameDecoder decoder_;
  Phase phase_;
  std::vector<ClientEvent> events_;
  ClientFailure failure_;
  std::uint64_t bytes_received_ = 0;
  int history_ = 1;  // Which history is expected or in progress: 1 on connect, 2 after `history`.
  std::uint64_t count_ = 0;
  std::uint64_t items_received_ = 0;
  std::optional<std::string> message_;  // The message sent, once sent.

  // The evidence of the first history (docs/protocol.md, section 6.2).
  std::uint64_t first_items_ = 0;
  std::uint64_t first_posts_ = 0;        // Items that are chatkit's stage-3 posts (parse_post()).
  std::uint64_t first_post_shaped_ = 0;  // Items shaped like any stage-3 post, the course's too.
  std::string first_plain_;              // The first item of neither kind, described, with bytes.
};

// Explains why `payload` is not a valid count frame: the headline (without "protocol error: ")
// and, in *details, the bytes with a caret under the first that is not a digit and a note when
// they look like a binary integer.
std::string explain_invalid_count(std::string_view payload, std::string* details);

}  // namespace chatkit

#endif  // CHATKIT_KIT_PROTOCOL_CLIENT_SESSION_H_
