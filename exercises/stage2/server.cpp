// Stage 2 chat server: when a client connects, the server first sends it the history (how many
// messages there are, then each of them), then receives the client's message and keeps it.
// The message "history" asks for the history again instead.
//
// Start from your stage-1 server's ideas; the outline in the course's notes is:
//   a. listen, accept
//   b. tell the client the number of history items
//   c. send each history item, one by one
//   d. receive the client's new message
//   e. add it to the history, repeat
//
// Your task: the TODOs below (exercises/stage2/README.md). Check your work with
//
//   cmake --build build --target check-stage2
#include <CLI/CLI.hpp>
#include <chrono>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "kit/socketfuncs.h"

int main(int argc, char** argv) {
  std::string bind_address = "0.0.0.0";
  int port = 10000;
  CLI::App app{"Stage 2 chat server: sends the history to every client"};
  app.add_option("--bind", bind_address, "IP address to listen on")->capture_default_str();
  app.add_option("--port", port, "TCP port; 0 picks a free one")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::vector<std::string> history;

  chatkit::Listener listener;
  try {
    listener = chatkit::Listener::bind(bind_address, port);
  } catch (const std::exception& error) {
    std::cerr << "server: " << error.what() << std::endl;
    return 1;
  }
  std::cout << "listening on " << listener.address() << std::endl;

  while (true) {
    chatkit::Socket conn = listener.accept();
    std::cout << "Connected: " << conn.peer_address() << std::endl;
    try {
      // TODO(stage 2): one silent client must not stop everybody (README: "The never-answering
      // peer"). Give the connection a receive timeout before you wait for anything from it.
      //
      // TODO(stage 2): send the history. First the count frame: the number of items as decimal
      // text (std::to_string(history.size()) is "3" for three items). Then each item, oldest
      // first, one frame each (chatkit::send_message).
      //
      // TODO(stage 2): receive the client's message (chatkit::receive_message).
      //   "history": send the history again, count and items, as it is now; store nothing.
      //   ""       : the client sent an empty message or none at all; store nothing.
      //   anything else: append it to `history`.
    } catch (const std::exception& error) {
      // A timeout, a client that breaks the protocol or vanishes: drop it, serve the next one.
      std::cout << "Dropped " << conn.peer_address() << ": " << error.what() << std::endl;
    }
    conn.close();
  }
}
