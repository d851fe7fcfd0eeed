// Stage 1, a reference solution: the chat client. It sends one message and closes.
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

  if (!*message_option) {
    std::cout << "Message: " << std::flush;
    if (!std::getline(std::cin, message)) return 1;
  }

  try {
    chatkit::Socket server;
    server.connect(host, port);
    socketfuncs::send_message(server, message);
    server.close();
  } catch (const std::exception& error) {
    std::cerr << "client: " << error.what() << std::endl;
    return 1;
  }
  return 0;
}
