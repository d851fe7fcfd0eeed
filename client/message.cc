#include "client/message.h"

#include "kit/framing/utf8.h"

namespace chatkit {
namespace {

// Enough to show what went wrong without flooding the terminal with a 1 MiB message.
constexpr std::size_t kMaxDumpBytes = 64;

}  // namespace

std::string check_message(std::string_view message, std::uint32_t max_bytes) {
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
