#include "kit/protocol/stage.h"

namespace chatkit {

std::optional<Stage> stage_from_number(int number) {
  switch (number) {
    case 1:
      return Stage::kSendOnly;
    case 2:
      return Stage::kHistory;
    case 3:
      return Stage::kPersisted;
    default:
      return std::nullopt;
  }
}

int stage_number(Stage stage) {
  return static_cast<int>(stage);
}

const char* stage_name(Stage stage) {
  switch (stage) {
    case Stage::kSendOnly:
      return "send-only";
    case Stage::kHistory:
      return "history";
    case Stage::kPersisted:
      return "persisted";
  }
  return "unknown";
}

std::string format_count(std::uint64_t count) {
  return std::to_string(count);
}

std::optional<std::uint64_t> parse_count(std::string_view text) {
  // 18 digits keep the value below 2^63 without overflow checks.
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

}  // namespace chatkit
