// broken-server: a chat server for stages 1 to 3 that makes one deliberate mistake, chosen with
// --mistake, so that the kit's own tests can prove that the exercise checks catch it
// (exercises/broken/README.md). With --mistake none, or one-byte-writes, it is correct: those
// runs prove that the checks accept every correct server, however it slices its bytes.
//
// It is a sequential server on the student socket layer (kit/student/), like a student's: one
// connection at a time, each with a 2-second receive timeout, which is what keeps one stalled
// client from blocking the others.
#include <CLI/CLI.hpp>
#include <chrono>
#include <exception>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "exercises/broken/mistakes.h"
#include "kit/framing/frame_codec.h"
#include "kit/student/file.h"
#include "kit/student/socket.h"
#include "kit/time/timestamp.h"

namespace {

using chatkit::broken::Mistake;
using chatkit::broken::receive_frame;
using chatkit::broken::send_frame;

// Sends the history the way `mistake` says.
void send_history(chatkit::Socket& conn, const std::vector<std::string>& history, Mistake mistake) {
  switch (mistake) {
    case Mistake::kMissingCount:  // The items without the count before them.
      break;
    case Mistake::kBinaryCount: {  // The count as 4 binary bytes, big-endian, in a frame.
      const auto n = static_cast<std::uint32_t>(history.size());
      const char binary[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                              static_cast<char>(n >> 8), static_cast<char>(n)};
      send_frame(conn, std::string(binary, 4), mistake);
      break;
    }
    default:
      send_frame(conn, std::to_string(history.size()), mistake);
  }
  for (const std::string& item : history) send_frame(conn, item, mistake);
}

std::vector<std::string> load_posts(const std::string& path) {
  std::vector<std::string> posts;
  if (!chatkit::file_exists(path)) return posts;
  const std::string bytes = chatkit::read_file(path);
  chatkit::FrameDecoder decoder;
  std::size_t whole = 0;
  while (whole < bytes.size()) {
    const std::size_t used = decoder.feed(std::string_view(bytes).substr(whole));
    if (decoder.state() != chatkit::FrameDecoder::State::kFrameDone) break;
    posts.emplace_back(decoder.message());
    whole += used;
  }
  if (whole < bytes.size()) chatkit::truncate_file(path, whole);
  return posts;
}

}  // namespace

int main(int argc, char** argv) {
  int stage = 2;
  int port = 10000;
  std::string data_path = "broken-posts.log";
  std::string mistake_name = "none";
  CLI::App app{"A chat server with one deliberate mistake (for testing the exercise checks)"};
  app.add_option("--stage", stage)->check(CLI::Range(1, 3));
  app.add_option("--port", port);
  app.add_option("--data", data_path);
  app.add_option("--mistake", mistake_name)->check(CLI::IsMember(chatkit::broken::mistake_names()));
  CLI11_PARSE(app, argc, argv);
  const Mistake mistake = *chatkit::broken::mistake_from_name(mistake_name);

  std::vector<std::string> history;
  chatkit::File post_file;
  chatkit::Socket listener;
  try {
    if (stage == 3) {
      history = load_posts(data_path);
      post_file = chatkit::File::open_for_append(data_path);
    }
    listener.bind("127.0.0.1", port);
    listener.listen();
  } catch (const std::exception& error) {
    std::cerr << "broken-server: " << error.what() << std::endl;
    return 1;
  }
  std::cout << "listening on " << listener.local_address().text() << std::endl;

  while (true) {
    auto [conn, address] = listener.accept();
    try {
      // Without a timeout, one client that never sends blocks everybody (the never-answering
      // peer).
      if (mistake != Mistake::kNoTimeout) conn.set_timeout(std::chrono::seconds(2));
      if (stage >= 2) send_history(conn, history, mistake);
      // Closes without reading the client's message: it is never stored.
      if (mistake == Mistake::kEarlyClose) {
        conn.close();
        continue;
      }
      const std::string message = receive_frame(conn, mistake);
      if (stage == 2 && message == "history") {
        send_history(conn, history, mistake);
      } else if (!message.empty() && stage < 3) {
        history.push_back(message);
      } else if (!message.empty()) {
        const std::string post = "[" + chatkit::local_timestamp_now() + " " +
                                 chatkit::host_name_of(address.ip) + "] " + message;
        // Acknowledges a post that exists in memory only: a restart loses it.
        if (mistake != Mistake::kMemoryOnly) {
          post_file.write_all(chatkit::encode_frame(post));
          post_file.sync();
        }
        history.push_back(post);
        // Stores the post but never says so: the client cannot know.
        if (mistake != Mistake::kNoAck) send_frame(conn, post, mistake);
      }
      if (stage == 1) {
        std::cout << "History length: " << history.size() << "\n";
        for (const std::string& item : history) std::cout << " >> " << item << "\n";
        std::cout << std::flush;
      }
    } catch (const std::exception& error) {
      std::cout << "Dropped " << address.text() << ": " << error.what() << std::endl;
    }
    conn.close();
  }
}
