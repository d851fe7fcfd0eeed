// Stage 2 chat client: connects, receives and prints the history, then sends one message. If
// the message is "history", it receives and prints the history a second time.
//
// Your task: the TODOs below (exercises/stage2/README.md). Check your work with
//
//   cmake --build build --target check-stage2
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>

#include "kit/socketfuncs.h"

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  int port = 10000;
  std::string message;
  CLI::App app{"Stage 2 chat client: prints the history, then sends one message"};
  app.add_option("--host", host, "the server's name or IP address")->capture_default_str();
  app.add_option("--port", port, "the server's TCP port")->capture_default_str();
  CLI::Option* message_option = app.add_option("--message", message, "the message to send");
  CLI11_PARSE(app, argc, argv);

  try {
    chatkit::Socket server = chatkit::Socket::connect(host, port);

    // TODO(stage 2): receive the history. The first frame is the count, as decimal text: turn it
    // into a number with std::stoull (it throws for anything else, and so the client fails, as
    // it should). Then receive that many items. Print "History:", then each item on a line of
    // its own.

    if (!*message_option) {  // No --message: ask for it, now that the history is on screen.
      std::cout << "Message: " << std::flush;
      if (!std::getline(std::cin, message)) return 1;
    }

    // TODO(stage 2): send `message`. If it is "history", receive and print the history again.

    server.close();
  } catch (const std::exception& error) {
    std::cerr << "client: " << error.what() << std::endl;
    return 1;
  }
  return 0;
}
