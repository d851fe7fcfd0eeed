#include "kit/diagnostics/conversation_shape.h"

#include <string>

namespace chatkit::diagnostics {

namespace {

// A number in binary: 2, 4 or 8 bytes of which at least one is NUL, or, when the first byte is
// no digit, one is a control byte or not ASCII. Text never looks like that ("3\n" is a count
// with a stray newline, not a binary number).
bool looks_binary(std::string_view payload) {
  if (payload.size() != 2 && payload.size() != 4 && payload.size() != 8) return false;
  bool nul = false;
  bool control = false;
  for (const char c : payload) {
    const auto byte = static_cast<unsigned char>(c);
    nul = nul || byte == 0;
    control = control || byte < 0x20 || byte >= 0x7f;
  }
  return nul || (control && !(payload[0] >= '0' && payload[0] <= '9'));
}

// The smaller of the payload's big-endian and little-endian values, and which it was.
std::uint64_t binary_value(std::string_view payload, bool* big) {
  std::uint64_t be = 0;
  std::uint64_t le = 0;
  for (std::size_t i = 0; i < payload.size(); ++i) {
    be = (be << 8) | static_cast<unsigned char>(payload[i]);
    le |= std::uint64_t{static_cast<unsigned char>(payload[i])} << (8 * i);
  }
  *big = be <= le;
  return *big ? be : le;
}

}  // namespace

ConversationShape::ConversationShape(Sender sender, Stage stage)
    : sender_(sender),
      stage_(stage),
      expect_(sender == Sender::kClient   ? Expect::kMessage
              : stage == Stage::kSendOnly ? Expect::kNothing
                                          : Expect::kCount) {}

void ConversationShape::start_items(std::uint64_t count) {
  count_ = remaining_ = count;
  count_offset_ = 0;
  expect_ = Expect::kItems;
  if (count == 0) after_items();
}

void ConversationShape::after_items() {
  // Stage 2: after the first history a second may follow ("history"); stage 3: the
  // acknowledgement.
  expect_ = second_history_ ? Expect::kNothing : Expect::kAfterHistory;
}

Diagnosis ConversationShape::on_frame(std::string_view bytes, const WalkFrame& frame) {
  const std::string_view payload =
      bytes.substr(frame.offset + frame.header_size, frame.payload_size);
  switch (expect_) {
    case Expect::kMessage:
      expect_ = Expect::kNothing;
      return Diagnosis{};
    case Expect::kCount:
      return on_first_count(bytes, frame);
    case Expect::kItems:
      if (--remaining_ == 0) after_items();
      return Diagnosis{};
    case Expect::kAfterHistory:
      if (stage_ == Stage::kPersisted) {
        expect_ = Expect::kNothing;  // The acknowledgement.
        return Diagnosis{};
      }
      if (const std::optional<std::uint64_t> count = parse_count(payload)) {
        second_history_ = true;
        count_ = remaining_ = *count;
        count_offset_ = frame.offset;
        count_text_ = payload;
        expect_ = Expect::kItems;
        if (*count == 0) after_items();
        return Diagnosis{};
      }
      return extra(bytes, frame.offset);
    case Expect::kNothing:
      break;
  }
  return extra(bytes, frame.offset);
}

Diagnosis ConversationShape::on_first_count(std::string_view bytes, const WalkFrame& frame) {
  const std::string_view payload =
      bytes.substr(frame.offset + frame.header_size, frame.payload_size);
  const std::string frame_bytes =
      hex_bytes(bytes.substr(frame.offset, frame.header_size + frame.payload_size), 16);
  if (looks_binary(payload)) {
    bool big = true;
    const std::uint64_t value = binary_value(payload, &big);
    return Diagnosis{Mistake::kCountAsBinary, frame.offset,
                     "the count frame " + frame_bytes + " holds " + std::to_string(payload.size()) +
                         " binary bytes, not decimal digits: read as a " +
                         (big ? "big" : "little") + "-endian number they are " + grouped(value),
                     kHintCountAsBinary};
  }
  if (!frame.valid_utf8) return Diagnosis{};  // Not a count and not text: the walk says why.
  if (const std::optional<std::uint64_t> count = parse_count(payload)) {
    count_ = remaining_ = *count;
    count_offset_ = frame.offset;
    count_text_ = payload;
    expect_ = Expect::kItems;
    if (*count == 0) after_items();
    return Diagnosis{};
  }
  if (payload.empty()) {
    return Diagnosis{Mistake::kNonDigitCount, frame.offset,
                     "the first frame, " + frame_bytes +
                         ", is empty where the count belongs (decimal digits: \"0\" for no items)",
                     kHintNonDigitCount};
  }
  const char first = payload[0];
  if ((first >= '0' && first <= '9') || first == '+' || first == '-' || first == ' ') {
    return Diagnosis{Mistake::kNonDigitCount, frame.offset,
                     "the count frame holds " + quoted(payload) + " (" + hex_bytes(payload) +
                         "), not only decimal digits",
                     kHintNonDigitCount};
  }
  return Diagnosis{Mistake::kForgotCount, frame.offset,
                   "the first frame holds " + quoted(payload) +
                       ", not a count: the items came without the count before them",
                   kHintForgotCount};
}

Diagnosis ConversationShape::extra(std::string_view bytes, std::size_t offset) const {
  const std::string_view rest = bytes.substr(offset);
  const std::string count = grouped(rest.size()) + (rest.size() == 1 ? " byte" : " bytes");
  const std::string shown = " (" + hex_bytes(rest) + ")";
  if (sender_ == Sender::kClient) {
    return Diagnosis{Mistake::kExtraFrames, offset,
                     "after its one frame (" + grouped(offset) + " bytes) the client sent " +
                         grouped(rest.size()) + " more" + (rest.size() == 1 ? " byte" : " bytes") +
                         shown,
                     kHintExtraFrames};
  }
  if (stage_ == Stage::kSendOnly) {
    return Diagnosis{Mistake::kExtraFrames, offset,
                     "a stage-1 server sends nothing, but " + count + shown + " came", nullptr};
  }
  return Diagnosis{Mistake::kExtraFrames, offset,
                   std::string("after the history") +
                       (stage_ == Stage::kPersisted ? " and the acknowledgement" : "") +
                       " the server sent " + grouped(rest.size()) + " more" +
                       (rest.size() == 1 ? " byte" : " bytes") + shown,
                   nullptr};
}

Diagnosis ConversationShape::at_end(std::string_view bytes, StreamEnd end, bool complete,
                                    bool may_continue) const {
  const bool server_may_be_silent = sender_ == Sender::kServer && stage_ == Stage::kSendOnly;
  if (bytes.empty()) {
    if (sender_ == Sender::kServer && !server_may_be_silent && end == StreamEnd::kClosed &&
        complete) {
      // A server of stages 2 and 3 sends the count first, whatever happens next.
      return Diagnosis{Mistake::kForgotCount, 0,
                       "the server closed the connection without sending anything: the history "
                       "count comes first (\"0\" for no items)",
                       kHintForgotCount};
    }
    if (end != StreamEnd::kIdleTimeout || !complete || server_may_be_silent) return Diagnosis{};
    return Diagnosis{Mistake::kSilent, 0,
                     std::string("nothing came from the ") +
                         (sender_ == Sender::kClient ? "client" : "server") +
                         " before the idle timeout closed the connection",
                     kHintSilent};
  }
  if (sender_ == Sender::kClient && stage_ == Stage::kSendOnly && expect_ == Expect::kNothing &&
      end == StreamEnd::kIdleTimeout && complete) {
    return Diagnosis{Mistake::kNeverClosed, bytes.size(),
                     "the client sent its frame (" + grouped(bytes.size()) +
                         " bytes) and then held the connection open until the idle timeout",
                     kHintNeverClosed};
  }
  if (expect_ == Expect::kItems && !may_continue) {
    const std::string announced =
        count_text_.empty() ? "the count " + grouped(count_) : "the count " + quoted(count_text_);
    return Diagnosis{Mistake::kMissingItems, count_offset_,
                     announced + " announced " + grouped(count_) + " items, but only " +
                         grouped(count_ - remaining_) + " came before the connection ended",
                     kHintMissingItems};
  }
  return Diagnosis{};
}

}  // namespace chatkit::diagnostics
