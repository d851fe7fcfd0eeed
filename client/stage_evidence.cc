#include "client/stage_evidence.h"

#include "client/message.h"
#include "kit/protocol/post.h"

namespace chatkit {
namespace {

// "[", text with a space in it, "] ": the shape of the course's stage-3 posts too, whose time
// has no UTC offset and which parse_post() therefore refuses.
bool shaped_like_post(std::string_view payload) {
  if (payload.empty() || payload.front() != '[') return false;
  const std::size_t end = payload.find("] ");
  return end != std::string_view::npos &&
         payload.substr(1, end - 1).find(' ') != std::string_view::npos;
}

}  // namespace

void StageEvidence::add_item(std::string_view payload, std::uint64_t number, std::uint64_t count) {
  ++items_;
  // parse_post() is strict (the time must carry microseconds and the UTC offset): only
  // chatkit's posts count as proof of a stage-3 server, which may make the client hold back a
  // message. Only plain text counts as a sign of stage 2.
  if (parse_post(payload)) ++posts_;
  if (shaped_like_post(payload)) {
    ++post_shaped_;
  } else if (first_plain_.empty()) {
    first_plain_ = "history item " + std::to_string(number) + " of " + std::to_string(count) +
                   " is not a stage-3 post \"[<time> <host>] <message>\":\n" +
                   indented_dump(payload);
  }
}

std::string StageEvidence::closed_without_ack_hint() const {
  if (items_ > 0 && post_shaped_ == items_) return "";
  std::string hint = ", as a stage-2 server does: " + stage_hint(2);
  if (!first_plain_.empty()) hint += "; " + first_plain_;
  return hint;
}

std::string stage_hint(int stage) {
  const std::string number = std::to_string(stage);
  return "it seems to run stage " + number + ": try --stage " + number;
}

}  // namespace chatkit
