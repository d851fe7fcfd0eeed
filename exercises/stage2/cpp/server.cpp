// Stage 2 chat server: when a client connects, the server first sends it the history (how many
// messages there are, then each of them), then receives the client's message and keeps it.
// The message "history" asks for the history again instead.
//
// The course's outline:
//   a. listen, accept
//   b. tell the client the number of history items
//   c. send each history item, one by one
//   d. receive the client's new message
//   e. add it to the history, repeat
//
// From this stage on the framing is given: socketfuncs::send_message and receive_message
// (kit/student/socketfuncs.h) do what your stage-1 socketfuncs.cpp does. Your task: the TODOs
// below (exercises/stage2/README.md). Check your work with
//
//   cmake --build build --target check-stage2
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "kit/student/socket.h"
#include "kit/student/socketfuncs.h"

int main(int argc, char** argv) {
  std::string bind_address = "0.0.0.0";
  int port = 10000;
  CLI::App app{"Stage 2 chat server: sends the history to every client"};
  app.add_option("--bind", bind_address, "IP address to listen on")->capture_default_str();
  app.add_option("--port", port, "TCP port; 0 picks a free one")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const bool ipv6 = bind_address.find(':') != std::string::npos;  // "::" has colons
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
      // TODO(stage 2): one silent client must not stop everybody. This server serves one client
      // at a time, so a client that connects and then says nothing, or stops half-way through
      // its frame, would keep it waiting forever, and every client after it too (README: "The
      // never-answering peer"). Before you wait for anything from the client, make sure that a
      // wait for it ends after a few seconds of silence; the catch below then drops it.
      //
      // TODO(stage 2): send the history. First the count frame: the number of items as decimal
      // text ("3" for three items, "12" for twelve; never a binary number). Then each item,
      // oldest first, one frame each.
      //
      // TODO(stage 2): receive the client's message.
      //   "history": send the history again, count and items, as it is now; store nothing.
      //   ""       : the client sent an empty message or none at all; store nothing.
      //   anything else: append it to `history`.
    } catch (const std::exception& error) {
      // A client that is too slow, breaks the protocol or vanishes: drop it, serve the next.
      std::cout << "Dropped " << address.text() << ": " << error.what() << std::endl;
    }
    conn.close();
  }
}
