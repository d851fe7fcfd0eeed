// Stage 1 chat server: each client connects, sends one message and closes; the server keeps
// every message in memory and prints the whole history after each one.
//
// The course's Python version (day 2 notes) is ten lines; this file is the same program in C++.
// The socket calls are kit/student/socket.h (Python's socket module); the framing is yours, in
// socketfuncs.cpp. Your task: the TODOs below and in socketfuncs.cpp (exercises/stage1/README.md).
// Check your work with
//
//   cmake --build build --target check-stage1
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "kit/student/socket.h"
#include "socketfuncs.h"

int main(int argc, char** argv) {
  // The command line. The checks start the server with --port 0 (the system picks a free port)
  // and read the real port from the "listening on" line below.
  std::string bind_address = "0.0.0.0";
  int port = 10000;
  CLI::App app{"Stage 1 chat server: keeps every message it receives"};
  app.add_option("--bind", bind_address, "IP address to listen on")->capture_default_str();
  app.add_option("--port", port, "TCP port; 0 picks a free one")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  // Python: s = socket.socket(); s.bind((bind_address, port)); s.listen()
  const bool ipv6 = bind_address.find(':') != std::string::npos;  // "::" has colons
  chatkit::Socket listener(ipv6 ? chatkit::Family::kIPv6 : chatkit::Family::kIPv4);
  try {
    listener.bind(bind_address, port);
    listener.listen();
  } catch (const std::exception& error) {
    std::cerr << "server: " << error.what() << std::endl;  // e.g. the port is in use
    return 1;
  }
  // The first line the server prints. std::endl also flushes it, so that it is seen at once.
  std::cout << "listening on " << listener.local_address().text() << std::endl;

  std::vector<std::string> history;
  while (true) {
    auto [conn, address] = listener.accept();  // Python: (conn, address) = s.accept()
    std::cout << "Got connection from " << address.ip << std::endl;
    try {
      // TODO(stage 1): receive the client's one message. Unless it is empty, append it to
      // `history`: "" is the empty message or a client that closed without sending one, and
      // neither is ever stored. Then print the whole history, exactly in this form (the checks
      // read it):
      //
      //   History length: 2
      //    >> first message
      //    >> second message
      //
      // End the lines with std::endl: it flushes the output. The checks read it from a file, and
      // without a flush the lines would sit in a buffer.
    } catch (const std::exception& error) {
      // A client that breaks the protocol (a length over the limit, text that is not UTF-8) or
      // vanishes half-way must not stop the server: say why, and go on with the next client.
      std::cout << "Dropped " << address.ip << ": " << error.what() << std::endl;
    }
    conn.close();
  }
}
