// ServerSession: what the server says and does on one connection, as a state machine with no I/O.
//
// The libuv server feeds it the bytes a client sends and the end of the client's stream; the
// session decides, through its Delegate, what happens: send the history, take a message, close
// the connection, or reject the client. Keeping this apart from the sockets lets the unit tests
// and the fuzzer drive the server's protocol byte by byte, in process.
//
// One conversation per connection, as in the course:
//   stage 1: read one frame -> append (non-empty) -> close.
//   stage 2: send history -> read one frame -> "history": send history again -> close;
//            other non-empty text: append -> close; empty: close.
//   stage 3: send history -> read one frame -> non-empty: store it as a post (the server
//            acknowledges it once durable, or resets the connection) ; empty: close.
// After that one frame the session reads no more: further bytes are ignored.
#ifndef CHATKIT_KIT_PROTOCOL_SERVER_SESSION_H_
#define CHATKIT_KIT_PROTOCOL_SERVER_SESSION_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kit/framing/frame_codec.h"
#include "kit/protocol/stage.h"

namespace chatkit {

class ServerSession {
 public:
  // What the session asks of the server. Calls happen synchronously inside start(),
  // on_bytes() and on_peer_closed(). Views passed in are valid only during the call.
  class Delegate {
   public:
    virtual ~Delegate() = default;
    // Send the count frame and every history item as of now (stages 2 and 3).
    virtual void send_history() = 0;
    // Stages 1 and 2: add `message` (non-empty, valid UTF-8) to the history. finish() follows.
    virtual void append_message(std::string_view message) = 0;
    // Stage 3: store `message` (non-empty, valid UTF-8) as a post. The server then acknowledges
    // it and closes, or resets the connection if it cannot be stored; no finish() follows.
    virtual void store_post(std::string_view message) = 0;
    // The conversation is over: close once queued writes are out.
    virtual void finish() = 0;
    // The client broke the protocol (`reason` says how, for the log). Close the connection;
    // nothing from this client is stored.
    virtual void reject(const std::string& reason) = 0;
  };

  enum class Phase {
    kNew,              // start() not called yet.
    kAwaitingMessage,  // Reading the client's one frame.
    kDone,             // The frame was handled, or the connection failed; bytes are ignored.
  };

  ServerSession(Stage stage, std::uint32_t max_message_bytes, Delegate* delegate);

  // The connection was accepted: in stages 2 and 3 this sends the history.
  void start();
  // Bytes from the client, in any chunking.
  void on_bytes(const char* data, std::size_t size);
  // The client closed its side (EOF). Before a complete frame: with no bytes at all the
  // conversation just ends (finish()); with part of a frame, that is a truncated frame (reject()).
  void on_peer_closed();

  Phase phase() const { return phase_; }
  Stage stage() const { return stage_; }
  const FrameDecoder& decoder() const { return decoder_; }

 private:
  void on_message(std::string_view message);

  Stage stage_;
  Delegate* delegate_;
  FrameDecoder decoder_;
  Phase phase_ = Phase::kNew;
};

// Describes how far a decoder got into a frame, for "closed mid-frame" messages: "after 2 of 4
// length bytes", "after 10 of 12 payload bytes".
std::string describe_partial_frame(const FrameDecoder& decoder);

}  // namespace chatkit

#endif  // CHATKIT_KIT_PROTOCOL_SERVER_SESSION_H_
