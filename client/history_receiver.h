// HistoryReceiver: the history a stage 2 or stage 3 server sends, taken frame by frame.
//
// On accept (and, in stage 2, after the `history` command) the server sends one frame holding
// the number of items as decimal text ("3"), then one frame per item, oldest first. The client
// feeds every frame it decodes to add_frame(), which checks the count and tracks how many items
// are still to come. HistoryReceiver does no I/O: printing the items is the caller's job.
#ifndef CHATKIT_CLIENT_HISTORY_RECEIVER_H_
#define CHATKIT_CLIENT_HISTORY_RECEIVER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace chatkit {

class HistoryReceiver {
 public:
  // What a frame turned out to be.
  enum class FrameKind {
    kCount,    // The count frame; count() is now known.
    kItem,     // One history item (the frame's payload).
    kInvalid,  // A count frame that is not decimal text; error() explains, with the bytes.
  };

  // Takes the payload of the next frame. Precondition: !complete() and no earlier kInvalid.
  FrameKind add_frame(std::string_view payload);

  // True once the count and every item it announced have arrived (at once for a count of 0).
  bool complete() const { return has_count_ && items_received_ == count_; }
  bool has_count() const { return has_count_; }
  std::uint64_t count() const { return count_; }
  std::uint64_t items_received() const { return items_received_; }
  // A multi-line explanation when add_frame() returned kInvalid, else "".
  const std::string& error() const { return error_; }
  // Where the history stands, for a message about a connection that ended early: "before the
  // history count arrived" or "after 1 of 3 history items".
  std::string progress() const;

  // Forgets everything, ready for the history to be sent again.
  void reset();

 private:
  bool has_count_ = false;
  std::uint64_t count_ = 0;
  std::uint64_t items_received_ = 0;
  std::string error_;
};

// Explains why `payload` is not a valid count frame, showing its bytes with a caret under the
// first one that is not a digit. Used for HistoryReceiver::error(); exposed for tests.
std::string explain_invalid_count(std::string_view payload);

}  // namespace chatkit

#endif  // CHATKIT_CLIENT_HISTORY_RECEIVER_H_
