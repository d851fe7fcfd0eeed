// Stage 1, a reference solution: the chat server. Each client sends one message; the server
// keeps every message in memory and prints the whole history after each one.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "kit/student/socket.h"
#include "socketfuncs.h"

int main(int argc, char** argv) {
  std::string bind_address = "0.0.0.0";
  int port = 10000;
  CLI::App app{"Stage 1 chat server: keeps every message it receives"};
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
    std::cout << "Got connection from " << address.ip << std::endl;
    try {
      const std::string message = socketfuncs::receive_message(conn);
      if (!message.empty()) history.push_back(message);
      std::cout << "History length: " << history.size() << std::endl;
      for (const std::string& item : history) std::cout << " >> " << item << std::endl;
    } catch (const std::exception& error) {
      std::cout << "Dropped " << address.ip << ": " << error.what() << std::endl;
    }
    conn.close();
  }
}
