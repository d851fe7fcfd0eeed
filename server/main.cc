// chat-server: the course's reference chat server, for stages 1, 2 and 3.
//
//   chat-server --stage 3 --port 10000 --data chat-history.db
//
// The first line on stdout is "listening on ADDR:PORT"; then one line per event. See
// docs/protocol.md for what is said on the wire and docs/instructors.md for running a class.
#include <uv.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <optional>
#include <string>

#include "kit/cli/parse_command_line.h"
#include "server/chat_server.h"
#include "server/import_export.h"
#include "server/stdin_stop.h"
#include "server/web_viewer.h"

namespace {

// libuv runs DNS lookups and SQLite commits on one thread pool, 4 threads by default. Slow
// reverse lookups from a whole class must not queue up in front of the commits, so the server
// asks for more, unless the instructor set UV_THREADPOOL_SIZE already. It takes effect only
// before the pool's first use, which is why this runs first thing in main().
void size_thread_pool() {
  char value[16];
  std::size_t size = sizeof value;
  if (uv_os_getenv("UV_THREADPOOL_SIZE", value, &size) == UV_ENOENT) {
    uv_os_setenv("UV_THREADPOOL_SIZE", "16");
  }
}

}  // namespace

int main(int argc, char** argv) {
  size_thread_pool();
#ifdef SIGPIPE
  // A client that resets while we write to it must cost us that connection (the write fails
  // with EPIPE), not the whole server: by default, SIGPIPE would kill the process.
  std::signal(SIGPIPE, SIG_IGN);
#endif
  chatkit::ServerOptions options;
  int stage = 3;
  double idle_timeout_seconds = 30;

  CLI::App app{"chatkit reference chat server: serves the course's chat protocol, stages 1-3"};
  app.set_version_flag("--version", "chat-server " CHATKIT_VERSION);
  app.add_option("--stage", stage, "1 send-only, 2 history on connect, 3 persisted with acks")
      ->check(CLI::Range(1, 3))
      ->capture_default_str();
  app.add_option("--bind", options.bind, "IP address to listen on (:: for IPv6 and IPv4)")
      ->capture_default_str();
  app.add_option("--port", options.port, "TCP port; 0 picks a free one")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("--data", options.data_path, "stage 3: the SQLite history file")
      ->capture_default_str();
  app.add_option("--max-message-bytes", options.max_message_bytes,
                 "longest message accepted, in bytes")
      ->check(CLI::Range(std::uint32_t{1}, std::uint32_t{0x7FFFFFFF}))
      ->capture_default_str();
  app.add_option("--idle-timeout", idle_timeout_seconds,
                 "seconds a connection may make no progress before it is closed")
      ->check(CLI::Range(0.001, 86400.0))
      ->capture_default_str();
  double frame_timeout_seconds = 30;
  app.add_option("--frame-timeout", frame_timeout_seconds,
                 "seconds a client may take to send its whole message, from its first byte")
      ->check(CLI::Range(0.001, 86400.0))
      ->capture_default_str();
  app.add_option("--max-connections", options.max_connections,
                 "clients served at once; one more is refused (reset) at once")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
      ->capture_default_str();
  CLI::Option* chaos = app.add_flag(
      "--chaos", options.chaos,
      "for teaching: send in random small pieces with small delays, drop some connections");
  CLI::Option* chaos_seed = app.add_option("--chaos-seed", options.chaos_seed,
                                           "with --chaos: repeat the random decisions of a run");
  chaos_seed->needs(chaos);
  app.add_option("--chaos-drop", options.chaos_drop_percent,
                 "with --chaos: percent of connections dropped mid-frame")
      ->check(CLI::Range(0u, 100u))
      ->needs(chaos)
      ->capture_default_str();
  chatkit::WebViewerOptions web;  // --web PORT and the viewer bridge's options.
  chatkit::add_web_viewer_options(app, &web);
  // Stage-3 history as text (server/import_export.h): each runs instead of the server, then exits.
  std::string import_path;
  bool export_posts = false;
  CLI::Option* import_option = app.add_option(
      "--import", import_path,
      "store every line of FILE (UTF-8; - for stdin) as a post in --data, in one transaction, "
      "then exit");
  import_option->type_name("FILE");
  app.add_flag("--export", export_posts, "print every post in --data, one per line, then exit")
      ->excludes(import_option);
  bool stop_on_stdin_eof = false;
  app.add_flag("--stop-on-stdin-eof", stop_on_stdin_eof,
               "stop gracefully, as on Ctrl-C, when stdin (a pipe) ends: for programs that run "
               "chat-server on Windows, where they cannot send it a signal");
  if (const std::optional<int> status =
          chatkit::parse_command_line(app, argc, argv, "chat-server")) {
    return *status;
  }
  options.stage = *chatkit::stage_from_number(stage);
  if (!import_path.empty() || export_posts) {
    if (options.stage != chatkit::Stage::kPersisted) {
      std::fprintf(stderr,
                   "chat-server: --import and --export work on the stage-3 history "
                   "(--stage 3, the default)\n");
      return 2;
    }
    return export_posts ? chatkit::export_history(options.data_path, 1, stderr)
                        : chatkit::import_history(import_path, options.data_path,
                                                  options.max_message_bytes, stdout, stderr);
  }
  options.idle_timeout =
      std::chrono::milliseconds(static_cast<long long>(idle_timeout_seconds * 1000));
  options.frame_timeout =
      std::chrono::milliseconds(static_cast<long long>(frame_timeout_seconds * 1000));
  if (options.chaos && chaos_seed->count() == 0) {
    // A fresh seed each run, logged at start so that a run can be repeated with --chaos-seed.
    const int status =
        uv_random(nullptr, nullptr, &options.chaos_seed, sizeof options.chaos_seed, 0, nullptr);
    if (status != 0) options.chaos_seed = uv_hrtime();
  }

  uv_loop_t loop;
  uv_loop_init(&loop);
  chatkit::Logger logger;
  int exit_code = 0;
  {
    chatkit::StdinStop stdin_stop(&loop);  // --stop-on-stdin-eof (server/stdin_stop.h)
    chatkit::WebViewer viewer(&loop, web, options, logger);
    std::optional<chatkit::ChatServer> server;
    std::string error;
    bool started = !stop_on_stdin_eof || stdin_stop.start(
                                             [&] {
                                               if (server) server->stop();
                                               viewer.stop();
                                             },
                                             &error);
    // The web port is bound first, so that a taken one stops us before "listening on".
    started = started && viewer.listen(&error);
    if (started) {
      server.emplace(&loop, options, logger);
      server->set_observer(viewer.observer());  // The class view's recorder, with --web.
      started = server->start(&error);
    }
    if (!started) {
      viewer.stop();
      std::fprintf(stderr, "chat-server: %s\n", error.c_str());
      exit_code = 1;
    } else {
      viewer.start(server->port());
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    stdin_stop.close();
  }
  uv_run(&loop, UV_RUN_DEFAULT);  // The stdin watch's close callback, if it was open.
  const int close_status = uv_loop_close(&loop);
  if (close_status != 0) {
    std::fprintf(stderr, "chat-server: event loop closed with handles open (%s)\n",
                 uv_strerror(close_status));
    if (exit_code == 0) exit_code = 1;
  }
  return exit_code;
}
