// chat-client: the course's chat client, stages 1 to 3 (see chat_client.h for the conversation).
//
//   chat-client --stage 3 --host 127.0.0.1 --port 10000 --message "Hello"
//
// Exit codes: 0 success, 1 connection or protocol error (also: the server's bytes show another
// stage, named in the message), 2 usage error (also: at stage 3, a message too long for its
// post), 3 (stage 3) the post was sent but not acknowledged.
#include <uv.h>

#include <CLI/CLI.hpp>
#include <cassert>
#include <csignal>
#include <cstdint>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "client/chat_client.h"
#include "client/message.h"
#include "kit/cli/parse_command_line.h"

namespace {

using chatkit::ClientOptions;

// A day: far beyond any useful wait, and it keeps the timer's milliseconds well inside range.
constexpr double kMaxTimeoutSeconds = 24 * 60 * 60;

// Fills *options from the command line. Returns the exit code when the program should stop
// here: after --help or --version (0), or for a usage error (2, reason already on stderr).
std::optional<int> parse_options(int argc, char** argv, ClientOptions* options) {
  CLI::App app{
      "Chat client for the course's chat servers: prints the history (stages 2 and 3), "
      "then sends one message.",
      "chat-client"};
  app.option_defaults()->always_capture_default();
  app.set_version_flag("--version", std::string("chat-client ") + CHATKIT_VERSION);

  int stage = chatkit::stage_number(options->stage);
  std::string message;
  std::uint32_t max_message_bytes = options->max_message_bytes;
  app.add_option("--stage", stage, "Protocol stage: 1 send-only, 2 history, 3 persisted")
      ->check(CLI::Range(1, 3));
  app.add_option("--host", options->host, "Server host name or IP address (IPv4 or IPv6)");
  app.add_option("--port", options->port, "Server TCP port")->check(CLI::Range(1, 65535));
  CLI::Option* message_option = app.add_option(
      "--message", message, "The message to send; without it, prompt for one on stdin");
  app.add_option("--ack-timeout", options->ack_timeout_seconds,
                 "Stage 3: seconds to wait for the acknowledgement (fractions allowed)")
      ->check(CLI::Range(0.001, kMaxTimeoutSeconds));
  app.add_option("--count-timeout", options->count_timeout_seconds,
                 "Stages 2 and 3: seconds to wait for the server's first byte (its history "
                 "count, sent at once on connect) before taking it for a stage-1 server, which "
                 "sends nothing (fractions allowed)")
      ->check(CLI::Range(0.001, kMaxTimeoutSeconds));
  app.add_option("--max-message-bytes", max_message_bytes,
                 "Largest message sent or frame accepted, in bytes; at stage 3 a message may "
                 "have 289 bytes less, the most its post's \"[<time> <host>] \" may need")
      ->check(CLI::Range(std::uint32_t{1}, std::numeric_limits<std::uint32_t>::max()));

  // Usage errors exit with kExitUsage, the status every chatkit program gives them.
  static_assert(chatkit::kExitUsage == chatkit::kExitUsageError);
  if (const std::optional<int> status =
          chatkit::parse_command_line(app, argc, argv, "chat-client")) {
    return *status;
  }

  options->stage = *chatkit::stage_from_number(stage);  // The Range check guarantees 1..3.
  options->max_message_bytes = max_message_bytes;
  if (options->host.empty()) {
    std::cerr << "chat-client: --host must not be empty\n";
    return chatkit::kExitUsage;
  }
  if (*message_option) {
    const std::string problem = chatkit::check_message(message, options->stage, max_message_bytes);
    if (!problem.empty()) {
      std::cerr << "chat-client: --message: " << problem << '\n';
      return chatkit::kExitUsage;
    }
    options->message = std::move(message);
  }
  return std::nullopt;
}

// Makes sure file descriptors 0, 1 and 2 are open, by opening the null device into any that is
// closed. A parent may start the client with, say, stdin closed (`chat-client <&-`); the client's
// socket would then get descriptor 0, be taken for standard input by the line reader, and trip
// libuv's assertion that it never closes descriptors 0 to 2. Windows sockets are not file
// descriptors, so there is nothing to do there.
void reserve_standard_descriptors() {
#ifndef _WIN32
  for (;;) {
    uv_fs_t req;
    const int fd = uv_fs_open(nullptr, &req, "/dev/null", UV_FS_O_RDWR, 0, nullptr);
    uv_fs_req_cleanup(&req);
    if (fd < 0) return;
    if (fd > 2) {  // 0, 1 and 2 are all open: this one was not needed.
      uv_fs_close(nullptr, &req, fd, nullptr);
      uv_fs_req_cleanup(&req);
      return;
    }
  }
#endif
}

}  // namespace

int main(int argc, char** argv) {
  ClientOptions options;
  reserve_standard_descriptors();
  if (const std::optional<int> exit_code = parse_options(argc, argv, &options)) return *exit_code;

#ifdef SIGPIPE
  // Writing to a connection the server has reset raises SIGPIPE on POSIX systems, and its default
  // action kills the process before libuv can report EPIPE. The client wants the error, so that
  // it can say what happened and exit with the right code. (Windows has no SIGPIPE.)
  std::signal(SIGPIPE, SIG_IGN);
#endif

  uv_loop_t loop;
  if (const int status = uv_loop_init(&loop); status < 0) {
    std::cerr << "chat-client: " << chatkit::UvError("start the event loop", status).message()
              << '\n';
    return chatkit::kExitFailure;
  }
  int exit_code = chatkit::kExitFailure;
  {
    chatkit::ChatClient client(&loop, std::move(options));
    client.start();
    uv_run(&loop, UV_RUN_DEFAULT);
    exit_code = client.exit_code();
  }
  [[maybe_unused]] const int close_status = uv_loop_close(&loop);
  assert(close_status == 0 && "every handle must be closed before the loop");
  return exit_code;
}
