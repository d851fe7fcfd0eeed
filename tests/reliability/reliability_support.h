// Helpers shared by the reliability tests (tests/reliability): the asynchronous stage-3 poster
// that the crash test runs in packs, direct access to a history file, the server's memory, and
// the knobs (rounds, seeds) that the long runs by hand turn up.
#ifndef CHATKIT_TESTS_RELIABILITY_RELIABILITY_SUPPORT_H_
#define CHATKIT_TESTS_RELIABILITY_RELIABILITY_SUPPORT_H_

#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kit/framing/frame_codec.h"
#include "tests/integration/server_harness.h"

namespace chatkit::testing {

// True in the ASan + UBSan build, where everything runs several times slower: the tests that
// repeat (crash rounds, connection counts) do fewer repetitions there.
constexpr bool kSanitizedBuild =
#if defined(__SANITIZE_ADDRESS__)
    true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    true;
#else
    false;
#endif
#else
    false;
#endif

// The integer in environment variable `name`, or `fallback` when it is unset or not a number.
// The long runs by hand set these (docs/reliability.md).
long long env_number(const char* name, long long fallback);
// The seed in `name` when set, else a fresh random one. Tests print the seed they use.
std::uint64_t seed_from_env(const char* name);

// The resident set size of process `pid` in KiB (VmRSS in /proc/<pid>/status); nullopt where
// there is no /proc (not Linux) or the process is gone.
std::optional<std::uint64_t> resident_kib(int pid);

// Creates a stage-3 history file at `path` holding `posts`, written directly with SQLite in the
// documented format (docs/protocol.md section 5.1). Returns "" or what failed.
std::string create_history_file(const std::string& path, const std::vector<std::string>& posts);
// The posts in the file at `path`, in id order, read directly with SQLite (read-only; safe while
// the server runs). nullopt with *error set when the file cannot be read.
std::optional<std::vector<std::string>> read_history_file(const std::string& path,
                                                          std::string* error);
// SQLite's PRAGMA integrity_check on the file: "ok" when the file is sound.
std::string integrity_check(const std::string& path);

// The history `server` serves now, read by a fresh client; a gtest failure (with the server's
// log) and an empty list when it cannot be read.
std::vector<std::string> served_history(TestLoop& loop, ServerUnderTest& server);

// How many lines of `text` contain `needle`.
std::size_t count_lines_with(const std::string& text, const std::string& needle);

// A stage-3 client that posts, one connection after another, asynchronously on a libuv loop:
// connect, send the message at once, read the count, the history and the acknowledgement,
// close, and start again with the next message. Many Posters share one TestLoop and run
// together while the test waits (TestLoop::run_until), which is how the crash test keeps eight
// of them posting when it kills the server.
//
// It records every message's fate: acknowledged (with the acknowledgement's text), or in doubt
// (some of its bytes may have left, but no acknowledgement came). A post whose connection was
// refused never left. It stops by itself when a connection fails before any byte was sent (the
// server is gone), or when stop() is called.
//
// Lifetime: the Poster's handle lives inside it. Destroy it only once finished() is true.
class Poster {
 public:
  Poster(uv_loop_t* loop, int port, std::string prefix);
  ~Poster();
  Poster(const Poster&) = delete;
  Poster& operator=(const Poster&) = delete;

  // Starts posting "<prefix>-0", "<prefix>-1", ...
  void start();
  // Stops posting: the current connection is closed at once (its message stays in doubt).
  void stop();
  // True once the Poster stopped and its handle is closed.
  bool finished() const { return stopped_ && !open_; }

  // The acknowledgements received, in order (the stored post texts).
  const std::vector<std::string>& acknowledged() const { return acknowledged_; }
  // Messages sent (at least partly) that were not acknowledged.
  const std::vector<std::string>& in_doubt() const { return in_doubt_; }
  // Messages posted so far, in order, whatever their fate.
  std::size_t attempts() const { return next_; }
  // A protocol violation seen (an acknowledgement for another message, a bad count...); "" if
  // none. The crash test fails on it.
  const std::string& violation() const { return violation_; }
  // Where the Poster is, for failure messages: "r1p3-7: connected, reading the history (12
  // items left); 6 acknowledged, 1 in doubt".
  std::string describe() const;

 private:
  enum class Phase { kCount, kItems, kAck };
  static void on_connect(uv_connect_t* req, int status);
  static void on_alloc(uv_handle_t* handle, std::size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_write(uv_write_t* req, int status);
  static void on_close(uv_handle_t* handle);
  void begin();
  void on_frame(std::string_view frame);
  // Ends the current connection; `acknowledged` says whether its message was acknowledged.
  void end(bool acknowledged);

  uv_loop_t* loop_;
  int port_;
  std::string prefix_;
  uv_tcp_t tcp_{};
  uv_connect_t connect_{};
  uv_write_t write_{};
  bool open_ = false;    // A handle is initialized and not closed yet.
  bool ending_ = false;  // The current connection's fate is recorded; its close is pending.
  bool stopped_ = true;
  std::size_t next_ = 0;  // Sequence number of the next message.
  std::string message_;
  std::string frame_;       // The bytes being written.
  bool sent_ = false;       // uv_write was called for the current message.
  bool connected_ = false;  // The current connection's connect succeeded.
  FrameDecoder decoder_{64 * 1024 * 1024};
  Phase phase_ = Phase::kCount;
  std::uint64_t items_left_ = 0;
  std::vector<std::string> acknowledged_;
  std::vector<std::string> in_doubt_;
  std::string violation_;
  char buffer_[64 * 1024];
};

}  // namespace chatkit::testing

#endif  // CHATKIT_TESTS_RELIABILITY_RELIABILITY_SUPPORT_H_
