// Stage 1 chat server: each client connects, sends one message and closes; the server keeps
// every message in memory and prints the whole history after each one.
//
// The course's Python version (day 2 notes) is ten lines; this file is the same program in C++
// on the kit's blocking sockets. Your task: the TODOs below (exercises/stage1/README.md). Check
// your work with
//
//   cmake --build build --target check-stage1
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "kit/socketfuncs.h"

int main(int argc, char** argv) {
  // The command line. The checks start the server with --port 0 (the system picks a free port)
  // and read the real port from the "listening on" line below.
  std::string bind_address = "0.0.0.0";
  int port = 10000;
  CLI::App app{"Stage 1 chat server: keeps every message it receives"};
  app.add_option("--bind", bind_address, "IP address to listen on")->capture_default_str();
  app.add_option("--port", port, "TCP port; 0 picks a free one")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::vector<std::string> history;

  // Python: s = socket.socket(); s.bind((bind_address, port)); s.listen()
  chatkit::Listener listener;
  try {
    listener = chatkit::Listener::bind(bind_address, port);
  } catch (const std::exception& error) {
    std::cerr << "server: " << error.what() << std::endl;  // e.g. the port is in use
    return 1;
  }
  // The first line the server prints. std::endl also flushes it, so that it is seen at once.
  std::cout << "listening on " << listener.address() << std::endl;

  while (true) {
    chatkit::Socket conn = listener.accept();  // Python: (conn, address) = s.accept()
    std::cout << "Got connection from " << conn.peer_ip() << std::endl;
    try {
      // TODO(stage 1): receive the client's message with chatkit::receive_message(conn).
      //
      // TODO(stage 1): unless the message is empty (""), append it to `history`. Then print the
      // whole history, exactly in this form (the checks read it):
      //
      //   History length: 2
      //    >> first message
      //    >> second message
      //
      // End the last line with std::endl, so that it is flushed.
    } catch (const std::exception& error) {
      // A client that breaks the protocol (a length over the limit, text that is not UTF-8) or
      // vanishes half-way must not stop the server: say why, and go on with the next client.
      std::cout << "Dropped " << conn.peer_ip() << ": " << error.what() << std::endl;
    }
    conn.close();
  }
}
