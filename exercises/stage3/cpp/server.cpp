// Stage 3 chat server: stage 2, with the history on disk. Every post is stored as
//   [<time> <host>] <message>
// and survives restarts and crashes; the server sends the stored post back to the client (the
// acknowledgement) once, and only once, it is safely on disk.
//
// The file calls are kit/student/file.h (Python's os.open, os.write, os.fsync, ...). Your task:
// the TODOs below (exercises/stage3/README.md). Check your work with
//
//   cmake --build build --target check-stage3
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "kit/student/file.h"
#include "kit/student/socket.h"
#include "kit/student/socketfuncs.h"
#include "kit/time/timestamp.h"  // The time of a post.

// Reads back the posts stored in the file at `path`, oldest first.
std::vector<std::string> load_posts(const std::string& path) {
  // TODO(stage 3): read back every post the server stored before it stopped or crashed: that
  // is what makes the history survive it. No file at `path` yet means no posts yet.
  //
  // How posts lie in the file is yours to choose, together with store_post below. A post may
  // hold any text, newlines and "]" included, so a post per line will not do; the frames of
  // the wire do (4 length bytes, big-endian, then the post's bytes), one after the other.
  //
  // A crash or a power cut can stop the server half-way through writing a post (that post was
  // never acknowledged). Cut such a half-written record off the end of the file, so that the
  // next post is written after the last whole one instead of glued to the half. (To say so,
  // print on std::cerr: the first line on std::cout must be the "listening on" line.)
  (void)path;  // Keeps the compiler quiet until you use `path`: delete it.
  return {};
}

// Appends `post` to `post_file` (opened for appending) in the format load_posts reads.
void store_post(chatkit::File& post_file, const std::string& post) {
  // TODO(stage 3): append the post. Return only once it is durable: on the disk itself, where it
  // survives a crash of the server and a power cut, not merely handed to the operating system
  // (which keeps it in memory for a while: a power cut loses it).
  (void)post_file;  // As above: delete these two lines.
  (void)post;
}

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
  chatkit::File post_file;
  const bool ipv6 = bind_address.find(':') != std::string::npos;  // "::" has colons
  chatkit::Socket listener(ipv6 ? chatkit::Family::kIPv6 : chatkit::Family::kIPv4);
  try {
    posts = load_posts(data_path);
    post_file = chatkit::File::open_for_append(data_path);
    listener.bind(bind_address, port);
    listener.listen();
  } catch (const std::exception& error) {
    std::cerr << "server: " << error.what() << std::endl;
    return 1;
  }
  std::cout << "listening on " << listener.local_address().text() << std::endl;
  std::cout << posts.size() << " posts in " << data_path << std::endl;

  while (true) {
    auto [conn, address] = listener.accept();
    std::cout << "Connected: " << address.text() << std::endl;
    try {
      // TODO(stage 3): as in stage 2: a silent client must not stop everybody, so limit how long
      // the server waits for one. Then send the history: the count frame (decimal text), then
      // every post, oldest first.
      //
      // TODO(stage 3): receive the client's message. An empty message is never stored, and gets
      // no acknowledgement: the server just closes. In stage 3 "history" is an ordinary message.
      // For any other:
      //   1. Build the post "[<time> <host>] <message>". <time> is when the message arrived, in
      //      local time with microseconds and the UTC offset, 2026-11-24T09:15:02.123456+01:00
      //      (kit/time/timestamp.h has it). <host> is the client's name by reverse DNS, or its
      //      IP address when it has none (kit/student/socket.h has the lookup). <message> is
      //      the client's text, byte for byte. A post longer than the 1 MiB limit could never
      //      be sent to anyone: refuse it.
      //   2. Store it durably (store_post).
      //   3. Only then add it to `posts` and send it back to the client as one frame: that is
      //      the acknowledgement, the client's proof that its post is safe. A server that
      //      acknowledges first and crashes before the post is on the disk has lied.
    } catch (const std::exception& error) {
      std::cout << "Dropped " << address.text() << ": " << error.what() << std::endl;
    }
    conn.close();
  }
}
