// Stage 3 chat client: prints every stored post, sends one message, and waits for the server's
// acknowledgement: the post as it was stored, time and host included.
//
// Exit codes: 0 the post was acknowledged (or the message was empty); 1 connection or protocol
// error; 3 the message was sent but no acknowledgement came (the post may or may not be stored:
// look before posting again).
//
// Your task: the TODOs below (exercises/stage3/README.md). Check your work with
//
//   cmake --build build --target check-stage3
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
  CLI::App app{"Stage 3 chat client: prints the posts, posts a message, waits for the ack"};
  app.add_option("--host", host, "the server's name or IP address")->capture_default_str();
  app.add_option("--port", port, "the server's TCP port")->capture_default_str();
  CLI::Option* message_option = app.add_option("--message", message, "the message to post");
  CLI11_PARSE(app, argc, argv);

  try {
    chatkit::Socket server;
    server.connect(host, port);

    // TODO(stage 3): receive the history, as in stage 2 (the count, then each post), and print
    // each post on a line of its own.

    if (!*message_option) {
      std::cout << "Add your post: " << std::flush;
      if (!std::getline(std::cin, message)) return 1;
    }

    // TODO(stage 3): send `message`. An empty message gets no acknowledgement: you are done.
    // Otherwise wait for the acknowledgement, but not forever (5 seconds at most: a server may
    // hang), and print "Posted: <the post>". Only that frame proves the post was stored: when
    // the connection ends without it (a crashed server's system closes its sockets politely
    // too), is reset, or the time is up, say so on std::cerr and exit with 3.

    server.close();
  } catch (const std::exception& error) {
    std::cerr << "client: " << error.what() << std::endl;
    return 1;
  }
  return 0;
}
