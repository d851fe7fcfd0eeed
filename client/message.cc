#include "client/message.h"

#include "kit/framing/utf8.h"

namespace chatkit {
namespace {

// Enough to show what went wrong without flooding the terminal with a 1 MiB message.
constexpr std::size_t kMaxDumpBytes = 64;

}  // namespace

std::uint32_t max_post_message_bytes(std::uint32_t max_bytes) {
  return max_bytes > kPostPrefixMaxBytes ? max_bytes - kPostPrefixMaxBytes : 0;
}

std::string check_message(std::string_view message, Stage stage, std::uint32_t max_bytes) {
  // Checked before sending: the server would refuse the post only after the whole message has
  // travelled, and then with nothing but a reset, which leaves the client guessing.
  if (stage == Stage::kPersisted && message.size() > max_post_message_bytes(max_bytes)) {
    return "the message is " + std::to_string(message.size()) +
           " bytes long; a stage-3 post can hold at most " +
           std::to_string(max_post_message_bytes(max_bytes)) +
           ": the server adds \"[<time> <host>] \" (up to " + std::to_string(kPostPrefixMaxBytes) +
           " bytes: 36 and a host name of up to 253) and the post must fit the frame limit of " +
           std::to_string(max_bytes) + " bytes (--max-message-bytes)";
  }
  if (message.size() > max_bytes) {
    return "the message is " + std::to_string(message.size()) + " bytes long; the limit is " +
           std::to_string(max_bytes) + " (--max-message-bytes)";
  }
  const Utf8Check utf8 = check_utf8(message);
  if (!utf8.valid) {
    return "the message is not valid UTF-8: ill-formed sequence at byte " +
           std::to_string(utf8.error_offset) + ":\n" + indented_dump(message, utf8.error_offset);
  }
  return "";
}

std::string indented_dump(std::string_view bytes, std::size_t mark) {
  std::string dump = hex_dump(bytes, mark, kMaxDumpBytes, "  ");
  if (!dump.empty() && dump.back() == '\n') dump.pop_back();
  return dump;
}

}  // namespace chatkit
