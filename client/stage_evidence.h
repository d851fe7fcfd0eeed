// StageEvidence: what a server's bytes show about the stage it runs.
//
// Nothing on the wire names the stage (docs/protocol.md, section 1), and a client set to another
// stage than its server's gets answers it does not expect. The bytes often give the server's
// stage away, though: stage-3 history items are posts "[<time> <host>] <message>", stage-2 items
// are plain text. StageEvidence collects the history items received on connect; the client asks
// it, and stage_hint(), for the words that turn a puzzling failure into "try --stage N".
// StageEvidence does no I/O.
#ifndef CHATKIT_CLIENT_STAGE_EVIDENCE_H_
#define CHATKIT_CLIENT_STAGE_EVIDENCE_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace chatkit {

class StageEvidence {
 public:
  // Takes history item `number` (counting from 1) of `count`, as received on connect.
  void add_item(std::string_view payload, std::uint64_t number, std::uint64_t count);

  // True when at least one item arrived and every one is a stage-3 post.
  bool all_posts() const { return items_ > 0 && posts_ == items_; }

  // For a stage-3 client whose post the server closed (FIN) without an acknowledgement, which a
  // stage-2 server does: ", as a stage-2 server does: it seems to run stage 2: try --stage 2",
  // followed, when an item was plain text, by "; history item 1 of 2 is not a stage-3 post ...:"
  // and the item's bytes on the next lines. "" when every item was shaped like a post, if only
  // loosely ("[" text, a space, text "] "): the server runs a stage 3, perhaps the course's own,
  // whose posts have no UTC offset and which never acknowledges.
  std::string closed_without_ack_hint() const;

 private:
  std::uint64_t items_ = 0;
  std::uint64_t posts_ = 0;        // Items that are chatkit's stage-3 posts (parse_post()).
  std::uint64_t post_shaped_ = 0;  // Items shaped like any stage-3 post, chatkit's included.
  std::string first_plain_;        // Describes the first item of neither kind, with its bytes.
};

// "it seems to run stage <stage>: try --stage <stage>", the end of every error line that has
// found another stage in the server's bytes.
std::string stage_hint(int stage);

}  // namespace chatkit

#endif  // CHATKIT_CLIENT_STAGE_EVIDENCE_H_
