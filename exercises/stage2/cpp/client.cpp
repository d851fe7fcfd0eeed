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

#include "kit/student/socket.h"
#include "kit/student/socketfuncs.h"

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
    chatkit::Socket server;
    server.connect(host, port);

    // TODO(stage 2): receive the history and print "History:", then each item on a line of its
    // own. The first frame is the count, as decimal text; then come exactly that many items.
    // Anything else is the server breaking the protocol, and your client must fail (throw: the
    // catch below exits with 1) rather than guess:
    //   - a count that is not decimal text (a binary number, say);
    //   - an empty item: items are never empty, so "" means the connection ended before the
    //     history was complete.

    if (!*message_option) {  // No --message: ask for it, now that the history is on screen.
      std::cout << "Message: " << std::flush;
      if (!std::getline(std::cin, message)) return 1;
    }

    // TODO(stage 2): send `message`. If it is "history", the server answers with the history
    // again: receive it and print it as above, before you close.

    server.close();
  } catch (const std::exception& error) {
    std::cerr << "client: " << error.what() << std::endl;
    return 1;
  }
  return 0;
}
