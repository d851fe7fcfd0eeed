// chat-bridge: the browser viewer for any chat server, e.g. a student's, to see what it says.
//
//   chat-bridge --target 127.0.0.1:10000 --web 8080
//
// The first line on stdout is "viewer at http://127.0.0.1:PORT/" (the real port, with --web 0);
// then one line per event. The target is resolved once, at start, and never changes.
#include <uv.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "bridge/target_address.h"
#include "bridge/web_bridge.h"
#include "bridge/web_options_cli.h"
#include "kit/cli/parse_command_line.h"
#include "kit/log/logger.h"

int main(int argc, char** argv) {
  chatkit::WebBridgeOptions options;
  std::string target;
  int stage = 0;

  CLI::App app{
      "chatkit browser viewer: serves the viewer page and relays its WebSockets to one chat "
      "server",
      "chat-bridge"};
  app.set_version_flag("--version", "chat-bridge " CHATKIT_VERSION);
  app.add_option("--target", target, "the chat server to relay to, HOST:PORT")
      ->required()
      ->check(CLI::Validator(
          [](std::string& value) {
            std::string host;
            int port = 0;
            std::string why;
            return chatkit::split_target(value, &host, &port, &why) ? std::string() : why;
          },
          "HOST:PORT"));
  app.add_option("--web", options.port, "the viewer's web port; 0 picks a free one")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("--stage", stage, "the stage the chat server runs, preselected in the page")
      ->check(CLI::Range(1, 3));
  chatkit::add_web_bridge_options(app, &options);
  if (const std::optional<int> status =
          chatkit::parse_command_line(app, argc, argv, "chat-bridge")) {
    return *status;
  }
  if (stage != 0) {
    options.stage = stage;
    options.stage_source = chatkit::WebBridgeOptions::StageSource::kBridgeOption;
  }

  uv_loop_t loop;
  uv_loop_init(&loop);
  chatkit::Logger logger;
  int exit_code = 0;
  {
    chatkit::WebBridge bridge(&loop, options,
                              [&logger](const std::string& line) { logger.log(line); });
    sockaddr_storage address;
    std::string error;
    if (!chatkit::resolve_target(&loop, target, &address, &error)) {
      std::fprintf(stderr, "chat-bridge: %s\n", error.c_str());
      exit_code = 1;
    } else if (!bridge.listen(&error)) {
      std::fprintf(stderr, "chat-bridge: %s\n", error.c_str());
      exit_code = 1;
    } else {
      logger.raw("viewer at " + bridge.url());  // The first line, which scripts wait for.
      bridge.start(reinterpret_cast<const sockaddr*>(&address));
      for (const std::string& url : bridge.network_urls()) logger.log("viewer also at " + url);
      bridge.handle_signals();
    }
    uv_run(&loop, UV_RUN_DEFAULT);
  }
  const int close_status = uv_loop_close(&loop);
  if (close_status != 0) {
    std::fprintf(stderr, "chat-bridge: event loop closed with handles open (%s)\n",
                 uv_strerror(close_status));
    if (exit_code == 0) exit_code = 1;
  }
  return exit_code;
}
