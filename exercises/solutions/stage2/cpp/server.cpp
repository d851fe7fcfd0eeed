// Stage 2, a reference solution: the chat server. Every client first gets the history (the
// count as decimal text, then each item), then sends one message: "history" asks for the
// history again, anything else but "" is kept.
#include <CLI/CLI.hpp>
#include <chrono>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "kit/student/socket.h"
#include "kit/student/socketfuncs.h"

// The count frame, then one frame per item, oldest first.
void send_history(chatkit::Socket& conn, const std::vector<std::string>& history) {
  socketfuncs::send_message(conn, std::to_string(history.size()));
  for (const std::string& item : history) socketfuncs::send_message(conn, item);
}

int main(int argc, char** argv) {
  std::string bind_address = "0.0.0.0";
  int port = 10000;
  CLI::App app{"Stage 2 chat server: sends the history to every client"};
  app.add_option("--bind", bind_address, "IP address to listen on")->capture_default_str();
  app.add_option("--port", port, "TCP port; 0 picks a free one")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const bool ipv6 = bind_address.find(':') != std::string::npos;
  chatkit::Socket listener(ipv6 ? chatkit::Family::kIPv6 : chatkit::Family::kIPv4);
  try {
    listener.bind(bind_address, port);
    listener.listen();
  } catch (const std::exception& error) {
    std::cerr << "server: " << error.what() << std::endl;
    return 1;
  }
  std::cout << "listening on " << listener.local_address().text() << std::endl;

  std::vector<std::string> history;
  while (true) {
    auto [conn, address] = listener.accept();
    std::cout << "Connected: " << address.text() << std::endl;
    try {
      conn.set_timeout(std::chrono::seconds(2));  // A silent client must not stop the others.
      send_history(conn, history);
      const std::string message = socketfuncs::receive_message(conn);
      if (message == "history") {
        send_history(conn, history);
      } else if (!message.empty()) {
        history.push_back(message);
      }
    } catch (const std::exception& error) {
      std::cout << "Dropped " << address.text() << ": " << error.what() << std::endl;
    }
    conn.close();
  }
}
