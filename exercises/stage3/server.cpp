// Stage 3 chat server: stage 2, with the history on disk. Every post is stored as
//   [<time> <host>] <message>
// and survives restarts and crashes; the server sends the stored post back to the client (the
// acknowledgement) once, and only once, it is safely on disk.
//
// Your task: the TODOs below (exercises/stage3/README.md). Check your work with
//
//   cmake --build build --target check-stage3
#include <CLI/CLI.hpp>
#include <chrono>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "kit/blocking/file.h"
#include "kit/socketfuncs.h"
#include "kit/time/timestamp.h"

namespace {

// Reads the posts stored in the file at `path`: one frame per post, the same frames as on the
// wire, oldest first. A frame cut short at the end of the file was being written when the server
// stopped (it was never acknowledged): it is cut off, so that new posts follow the last whole one.
std::vector<std::string> load_posts(const std::string& path) {
  std::vector<std::string> posts;
  const std::optional<std::string> bytes = chatkit::read_file_if_exists(path);
  if (!bytes) return posts;  // No file yet: no posts yet.
  chatkit::FrameDecoder decoder;
  std::size_t whole = 0;  // Bytes of whole frames so far.
  while (whole < bytes->size()) {
    const std::size_t used = decoder.feed(std::string_view(*bytes).substr(whole));
    if (decoder.state() != chatkit::FrameDecoder::State::kFrameDone) break;
    posts.emplace_back(decoder.message());
    whole += used;
  }
  if (whole < bytes->size()) {
    std::cout << "Cutting off " << bytes->size() - whole << " bytes at the end of " << path
              << ": a post that was never completed" << std::endl;
    chatkit::truncate_file(path, whole);
  }
  return posts;
}

}  // namespace

int main(int argc, char** argv) {
  std::string bind_address = "0.0.0.0";
  int port = 10000;
  std::string data_path = "posts.log";
  CLI::App app{"Stage 3 chat server: posts are stored on disk and acknowledged"};
  app.add_option("--bind", bind_address, "IP address to listen on")->capture_default_str();
  app.add_option("--port", port, "TCP port; 0 picks a free one")->capture_default_str();
  app.add_option("--data", data_path, "the file that holds the posts")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::vector<std::string> posts;
  chatkit::AppendFile post_file;
  chatkit::Listener listener;
  try {
    posts = load_posts(data_path);
    post_file = chatkit::AppendFile::open(data_path);
    listener = chatkit::Listener::bind(bind_address, port);
  } catch (const std::exception& error) {
    std::cerr << "server: " << error.what() << std::endl;
    return 1;
  }
  std::cout << "listening on " << listener.address() << std::endl;
  std::cout << posts.size() << " posts in " << data_path << std::endl;

  while (true) {
    chatkit::Socket conn = listener.accept();
    std::cout << "Connected: " << conn.peer_address() << std::endl;
    try {
      // TODO(stage 3): as in stage 2, a receive timeout, then the history: the count frame
      // (decimal text), then every post, oldest first.
      //
      // TODO(stage 3): receive the client's message. An empty message is never stored (and gets
      // no acknowledgement). In stage 3, "history" is an ordinary message. For any other:
      //   1. Build the post "[<time> <host>] <message>". chatkit::local_timestamp_now() is the
      //      time (2026-11-24T09:15:02.123456+01:00); chatkit::lookup_host_name(conn.peer_ip())
      //      the client's host name, or its IP address when it has none.
      //   2. Store it durably: post_file.write_all(chatkit::encode_frame(post)), then
      //      post_file.sync(), which returns once the bytes are on the disk itself.
      //   3. Only now append it to `posts`, and send it back to the client as one frame: the
      //      acknowledgement. (A server that acknowledges first and then crashes has lied.)
    } catch (const std::exception& error) {
      std::cout << "Dropped " << conn.peer_address() << ": " << error.what() << std::endl;
    }
    conn.close();
  }
}
