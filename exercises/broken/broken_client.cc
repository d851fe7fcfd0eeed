// broken-client: a chat client for stages 1 to 3 that makes one deliberate mistake, chosen with
// --mistake (see mistakes.h and exercises/broken/README.md). With --mistake none, or
// one-byte-writes, it is correct.
#include <CLI/CLI.hpp>
#include <chrono>
#include <exception>
#include <iostream>
#include <string>

#include "exercises/broken/mistakes.h"
#include "kit/student/socket.h"
#include "kit/student/socketfuncs.h"

namespace {

using chatkit::broken::Mistake;
using chatkit::broken::receive_frame;
using chatkit::broken::send_frame;

// Receives and prints the history the way `mistake` reads it.
void receive_history(chatkit::Socket& server, Mistake mistake) {
  const std::string count_text = receive_frame(server, mistake);
  std::uint64_t count = 0;
  if (mistake == Mistake::kBinaryCount) {
    // Reads the count as a 4-byte big-endian number.
    if (count_text.size() != 4) throw socketfuncs::ProtocolError("expected a 4-byte count");
    for (char byte : count_text) count = count << 8 | static_cast<unsigned char>(byte);
  } else {
    count = std::stoull(count_text);  // Throws for anything but digits.
  }
  std::cout << "History:" << std::endl;
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::string item = receive_frame(server, mistake);
    // Items are never empty: "" means the connection ended before the history was complete.
    if (item.empty()) throw socketfuncs::ProtocolError("the history ended early");
    std::cout << item << std::endl;
  }
}

}  // namespace

int main(int argc, char** argv) {
  int stage = 2;
  std::string host = "127.0.0.1";
  int port = 10000;
  std::string message;
  std::string mistake_name = "none";
  CLI::App app{"A chat client with one deliberate mistake (for testing the exercise checks)"};
  app.add_option("--stage", stage)->check(CLI::Range(1, 3));
  app.add_option("--host", host);
  app.add_option("--port", port);
  app.add_option("--message", message)->required();
  app.add_option("--mistake", mistake_name)->check(CLI::IsMember(chatkit::broken::mistake_names()));
  CLI11_PARSE(app, argc, argv);
  const Mistake mistake = *chatkit::broken::mistake_from_name(mistake_name);

  try {
    chatkit::Socket server;
    server.connect(host, port);
    server.set_timeout(std::chrono::seconds(5));
    if (stage >= 2 && mistake != Mistake::kNeverReads) receive_history(server, mistake);
    send_frame(server, message, mistake);
    if (stage == 2 && message == "history" && mistake != Mistake::kEarlyClose) {
      receive_history(server, mistake);
    }
    if (stage == 3 && !message.empty() && mistake != Mistake::kNoAckWait) {
      const std::string ack = receive_frame(server, mistake);
      if (ack.empty()) {
        std::cerr << "broken-client: no acknowledgement" << std::endl;
        return 3;
      }
      std::cout << "Posted: " << ack << std::endl;
    }
    server.close();
  } catch (const chatkit::SocketTimeout& error) {
    std::cerr << "broken-client: " << error.what() << std::endl;
    return stage == 3 ? 3 : 1;
  } catch (const std::exception& error) {
    std::cerr << "broken-client: " << error.what() << std::endl;
    return 1;
  }
  return 0;
}
