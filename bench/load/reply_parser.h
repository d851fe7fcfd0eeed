// ReplyParser: what a stage-2/3 server sends on one connection, parsed at load-generator speed.
//
// The server sends a count frame ("1000"), that many history items, and then, in stage 3 after
// a post, one acknowledgement frame (docs/protocol.md, section 3). A load tool must read this
// faster than the server writes it, or it measures itself: so the parser takes whatever one
// large read returned and walks the frames in place. History items are skipped by their length
// prefix, never copied or validated; only the count frame and the acknowledgement (small, one
// each per connection) are kept, because the client checks them.
//
// The parser does no I/O. Feed it every chunk read from the socket, in order; after each feed
// the caller looks at phase() to decide what to do (send its message once the history is
// complete, wait for the close once everything expected has arrived, give up on kFailed).
#ifndef CHATKIT_BENCH_LOAD_REPLY_PARSER_H_
#define CHATKIT_BENCH_LOAD_REPLY_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace chatkit {

class ReplyParser {
 public:
  enum class Phase {
    kCount,     // Waiting for (the rest of) the count frame.
    kHistory,   // Skipping history items; items_left() of them still to come.
    kQuiet,     // History complete; the server owes nothing until the client sends its frame.
    kAck,       // The client posted: waiting for the acknowledgement frame.
    kComplete,  // Everything expected arrived; only the close may follow.
    kFailed,    // The server broke the protocol; error() says how.
  };

  // Frames longer than `max_message_bytes` fail the parse, as they would in chat-client.
  explicit ReplyParser(std::uint32_t max_message_bytes);

  // Consumes every byte of `data[0..size)`. Bytes that arrive while nothing is owed (phase
  // kQuiet, kComplete) fail the parse.
  void feed(const std::uint8_t* data, std::size_t size);
  void feed(const char* data, std::size_t size) {
    feed(reinterpret_cast<const std::uint8_t*>(data), size);
  }

  // The client sent its message. With `expect_ack` (a stage-3 post) one more frame is owed and
  // the phase becomes kAck; otherwise (an empty message, a stage-2 message) kComplete.
  // Precondition: phase() is kQuiet.
  void message_sent(bool expect_ack);

  Phase phase() const { return phase_; }
  // The announced number of history items (valid from kHistory on).
  std::uint64_t count() const { return count_; }
  std::uint64_t items_left() const { return items_left_; }
  // Bytes of the count frame and the history items received so far.
  std::uint64_t history_bytes() const { return history_bytes_; }
  // The acknowledgement's text, once phase() is kComplete after a post.
  const std::string& ack() const { return kept_; }
  // Why the parse failed, in words; empty unless phase() is kFailed.
  const std::string& error() const { return error_; }

 private:
  void fail(std::string reason);
  // Called with the 4 length bytes of a frame complete.
  void start_payload();
  // Called when the current frame's payload is complete.
  void finish_frame();
  // The fast path: skips whole history items lying in `data`; returns the bytes it consumed.
  std::size_t skip_items(const std::uint8_t* data, std::size_t size);

  std::uint32_t max_message_bytes_;
  Phase phase_ = Phase::kCount;
  std::uint8_t header_[4] = {};
  std::size_t header_have_ = 0;
  bool in_payload_ = false;
  std::uint32_t payload_left_ = 0;
  std::string kept_;  // The payload of the count frame or the acknowledgement.
  std::uint64_t count_ = 0;
  std::uint64_t items_left_ = 0;
  std::uint64_t history_bytes_ = 0;
  std::string error_;
};

const char* to_string(ReplyParser::Phase phase);

}  // namespace chatkit

#endif  // CHATKIT_BENCH_LOAD_REPLY_PARSER_H_
