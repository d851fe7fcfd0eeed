#include "exercises/check/preload/durability_check.h"

#include <cstdlib>
#include <random>

#include "exercises/check/check_config.h"
#include "exercises/check/preload/durability_log.h"

namespace chatkit::exercises {

namespace {

#ifdef CHATKIT_DURABILITY_WATCH_LIBRARY
constexpr const char* kLibrary = CHATKIT_DURABILITY_WATCH_LIBRARY;
#else
constexpr const char* kLibrary = "";
#endif

// The library to preload: --durability-watch's, else the one this build made.
std::string library_path() {
  const std::string& chosen = check_config().durability_watch;
  return chosen.empty() ? kLibrary : chosen;
}

std::string environment_value(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

}  // namespace

DurabilityWatch::DurabilityWatch(StepLog& log) : log_(log) {
  std::random_device random;
  const char* digits = "0123456789abcdef";
  marker_ = "durable-post-";
  for (int i = 0; i < 16; ++i) marker_ += digits[random() % 16];
}

std::string DurabilityWatch::unavailable_reason() {
#if defined(__linux__)
  if (library_path().empty()) {
    return "could not run: this check program was built without the durability watch library "
           "(exercises/check/preload), so it cannot see when the server syncs its posts";
  }
  return "";
#elif defined(__APPLE__)
  return "could not run on macOS: the check watches the server's file and socket calls with a "
         "library preloaded the Linux way (LD_PRELOAD). Run the checks on Linux to see whether "
         "the acknowledgement leaves only after the post is synced; here nothing says it does";
#else
  return "could not run on this system: the check watches the server's file and socket calls "
         "with a library preloaded the Linux way (LD_PRELOAD). Run the checks on Linux to see "
         "whether the acknowledgement leaves only after the post is synced; here nothing says "
         "it does";
#endif
}

std::vector<std::string> DurabilityWatch::environment(const std::string& data_path) {
  data_path_ = data_path;
  std::string preload = library_path();
  const std::string existing = environment_value("LD_PRELOAD");
  if (!existing.empty()) preload += ":" + existing;
  std::string asan = environment_value("ASAN_OPTIONS");
  // A server built with AddressSanitizer refuses to start when another library comes before
  // the sanitizer's; the watch does not mind the order.
  asan += std::string(asan.empty() ? "" : ":") + "verify_asan_link_order=0";
  return {"LD_PRELOAD=" + preload, "CHATKIT_DURABILITY_LOG=" + dir_.file("durability.log"),
          "CHATKIT_DURABILITY_MARKER=" + marker_, "CHATKIT_DURABILITY_DATA=" + data_path,
          // libuv may hand file calls to io_uring, where no preloaded library sees them.
          "UV_USE_IO_URING=0", "ASAN_OPTIONS=" + asan};
}

std::string DurabilityWatch::log_text() const {
  std::string text;
  chatkit::testing::read_file(dir_.file("durability.log"), &text);
  return text;
}

bool DurabilityWatch::expect_loaded() {
  const std::string text = log_text();
  const bool loaded =
      text.compare(0, 6, "hello ") == 0 || text.find("\nhello ") != std::string::npos;
  if (!loaded) {
    const DurabilityVerdict verdict = judge_durability_log(text, data_path_);
    return log_.fail(verdict.headline, "", verdict.hint);
  }
  log_.step("the durability watch (" + library_path() +
            ", preloaded with LD_PRELOAD) loaded into the server: it records the server's "
            "writes, syncs and sends in order");
  return true;
}

bool DurabilityWatch::expect_synced_before_acknowledgement() {
  const DurabilityVerdict verdict = judge_durability_log(log_text(), data_path_);
  if (verdict.outcome == DurabilityVerdict::Outcome::kSynced) {
    log_.step("the durability watch saw it in order: " + verdict.headline);
    return true;
  }
  return log_.fail(verdict.headline, verdict.events, verdict.hint);
}

}  // namespace chatkit::exercises
