// Stage 1 chat client: connects to the server, sends one message and closes.
//
// Your task: the TODO below, with your socketfuncs.cpp (exercises/stage1/README.md). Check your
// work with
//
//   cmake --build build --target check-stage1
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>

#include "kit/student/socket.h"
#include "socketfuncs.h"

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  int port = 10000;
  std::string message;
  CLI::App app{"Stage 1 chat client: sends one message"};
  app.add_option("--host", host, "the server's name or IP address")->capture_default_str();
  app.add_option("--port", port, "the server's TCP port")->capture_default_str();
  CLI::Option* message_option = app.add_option("--message", message, "the message to send");
  CLI11_PARSE(app, argc, argv);

  if (!*message_option) {  // No --message: ask for it, like the course's client.
    std::cout << "Message: " << std::flush;
    if (!std::getline(std::cin, message)) return 1;
  }

  try {
    chatkit::Socket server;      // Python: s = socket.socket()
    server.connect(host, port);  // Python: s.connect((host, port))

    // TODO(stage 1): send `message` to the server as one frame, even when it is empty (the
    // server then knows you had nothing to say). The framing is yours: socketfuncs.cpp.

    server.close();
  } catch (const std::exception& error) {
    // Cannot connect, the server reset the connection, ...: say why, and fail.
    std::cerr << "client: " << error.what() << std::endl;
    return 1;
  }
  return 0;
}
