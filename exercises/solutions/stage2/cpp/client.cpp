// Stage 2, a reference solution: the chat client. It prints the history, sends one message,
// and for "history" prints the history it gets back.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>

#include "kit/student/socket.h"
#include "kit/student/socketfuncs.h"

// Receives the count (decimal text), then that many items, and prints them.
void receive_history(chatkit::Socket& server) {
  const std::string count_text = socketfuncs::receive_message(server);
  if (count_text.empty() || count_text.size() > 18 ||
      count_text.find_first_not_of("0123456789") != std::string::npos) {
    throw std::runtime_error("the history count is not a decimal number");
  }
  const std::uint64_t count = std::stoull(count_text);
  std::cout << "History:" << std::endl;
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::string item = socketfuncs::receive_message(server);
    if (item.empty()) {  // Items are never empty: the connection ended.
      throw std::runtime_error("the history ended after " + std::to_string(i) + " of " +
                               count_text + " items");
    }
    std::cout << item << std::endl;
  }
}

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
    receive_history(server);

    if (!*message_option) {
      std::cout << "Message: " << std::flush;
      if (!std::getline(std::cin, message)) return 1;
    }

    socketfuncs::send_message(server, message);
    if (message == "history") receive_history(server);
    server.close();
  } catch (const std::exception& error) {
    std::cerr << "client: " << error.what() << std::endl;
    return 1;
  }
  return 0;
}
