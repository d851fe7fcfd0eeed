#include "bench/load/load_options.h"

namespace chatkit {

const char* to_string(LoadMode mode) {
  switch (mode) {
    case LoadMode::kRead:
      return "read";
    case LoadMode::kPost:
      return "post";
    case LoadMode::kHold:
      return "hold";
  }
  return "unknown";
}

std::optional<LoadMode> load_mode_from_name(std::string_view name) {
  for (const LoadMode mode : {LoadMode::kRead, LoadMode::kPost, LoadMode::kHold}) {
    if (name == to_string(mode)) return mode;
  }
  return std::nullopt;
}

}  // namespace chatkit
