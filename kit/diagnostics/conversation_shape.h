// What one side of a conversation may send, frame by frame, for the mistake recognisers
// (mistakes.h): a client one frame; a server of stage 1 nothing, of stage 2 a count and its items
// (and after "history" a count and items again), of stage 3 a count, its items and one
// acknowledgement. Internal to kit/diagnostics.
#ifndef CHATKIT_KIT_DIAGNOSTICS_CONVERSATION_SHAPE_H_
#define CHATKIT_KIT_DIAGNOSTICS_CONVERSATION_SHAPE_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kit/diagnostics/frame_walk.h"
#include "kit/diagnostics/mistakes.h"

namespace chatkit::diagnostics {

class ConversationShape {
 public:
  ConversationShape(Sender sender, Stage stage);

  // Whether the sender may send another frame now.
  bool more_allowed() const { return expect_ != Expect::kNothing; }
  // Whether the next frame is the history's first count.
  bool expects_count() const { return expect_ == Expect::kCount; }
  // As if a count of `count` items had come (a count sent without a frame).
  void start_items(std::uint64_t count);

  // The complete frame `frame` of `bytes` came (its payload maybe not UTF-8: then only a binary
  // count is recognised). Returns what is wrong with it here, or kNone.
  Diagnosis on_frame(std::string_view bytes, const WalkFrame& frame);
  // Bytes from `offset` on came where the sender may send nothing more.
  Diagnosis extra(std::string_view bytes, std::size_t offset) const;
  // All of `bytes` are whole frames and the stream stands as `end` says: kNone, or kSilent,
  // kNeverClosed, kMissingItems.
  Diagnosis at_end(std::string_view bytes, StreamEnd end, bool complete, bool may_continue) const;

 private:
  enum class Expect { kMessage, kCount, kItems, kAfterHistory, kNothing };

  Diagnosis on_first_count(std::string_view bytes, const WalkFrame& frame);
  void after_items();

  Sender sender_;
  Stage stage_;
  Expect expect_;
  bool second_history_ = false;
  std::uint64_t count_ = 0;
  std::uint64_t remaining_ = 0;
  std::size_t count_offset_ = 0;
  std::string_view count_text_;
};

}  // namespace chatkit::diagnostics

#endif  // CHATKIT_KIT_DIAGNOSTICS_CONVERSATION_SHAPE_H_
