#include "client/stage_evidence.h"

#include "client/message.h"
#include "kit/protocol/post.h"

namespace chatkit {

void StageEvidence::add_item(std::string_view payload, std::uint64_t number, std::uint64_t count) {
  ++items_;
  // parse_post() is strict (the time must carry microseconds and the UTC offset), so a
  // stage-3 history is recognised as such only when it is chatkit's; anything else counts as
  // evidence against stage 3, which is the weaker conclusion either way.
  if (parse_post(payload)) {
    ++posts_;
  } else if (first_non_post_.empty()) {
    first_non_post_ = "history item " + std::to_string(number) + " of " + std::to_string(count) +
                      " is not a stage-3 post \"[<time> <host>] <message>\":\n" +
                      indented_dump(payload);
  }
}

std::string StageEvidence::closed_without_ack_hint() const {
  if (all_posts()) return "";
  std::string hint = ", as a stage-2 server does: " + stage_hint(2);
  if (!first_non_post_.empty()) hint += "; " + first_non_post_;
  return hint;
}

std::string stage_hint(int stage) {
  const std::string number = std::to_string(stage);
  return "it seems to run stage " + number + ": try --stage " + number;
}

}  // namespace chatkit
