// Stage 3, a reference solution: the chat client. It prints the posts, sends one message and
// waits for the acknowledgement (exit 3 when none comes).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>

#include "kit/student/socket.h"
#include "kit/student/socketfuncs.h"

// Receives the count (decimal text), then that many posts, and prints them.
void receive_history(chatkit::Socket& server) {
  const std::string count_text = socketfuncs::receive_message(server);
  if (count_text.empty() || count_text.size() > 18 ||
      count_text.find_first_not_of("0123456789") != std::string::npos) {
    throw std::runtime_error("the history count is not a decimal number");
  }
  const std::uint64_t count = std::stoull(count_text);
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::string post = socketfuncs::receive_message(server);
    if (post.empty()) {  // Posts are never empty: the connection ended.
      throw std::runtime_error("the history ended after " + std::to_string(i) + " of " +
                               count_text + " posts");
    }
    std::cout << post << std::endl;
  }
}

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
    receive_history(server);

    if (!*message_option) {
      std::cout << "Add your post: " << std::flush;
      if (!std::getline(std::cin, message)) return 1;
    }

    socketfuncs::send_message(server, message);
    if (message.empty()) return 0;  // No acknowledgement for an empty message.
    server.set_timeout(std::chrono::seconds(5));
    try {
      const std::string ack = socketfuncs::receive_message(server);
      if (ack.empty()) throw std::runtime_error("the server closed the connection");
      std::cout << "Posted: " << ack << std::endl;
    } catch (const std::exception& error) {  // Closed, reset, timed out: we cannot know.
      std::cerr << "client: no acknowledgement (" << error.what()
                << "): the post may or may not be stored" << std::endl;
      return 3;
    }
    server.close();
  } catch (const std::exception& error) {
    std::cerr << "client: " << error.what() << std::endl;
    return 1;
  }
  return 0;
}
