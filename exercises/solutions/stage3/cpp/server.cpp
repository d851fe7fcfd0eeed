// Stage 3, a reference solution: the chat server with durable posts. The posts file holds one
// frame per post, the same frames as on the wire; a post is acknowledged once it is synced.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "kit/framing/frame_codec.h"
#include "kit/student/file.h"
#include "kit/student/socket.h"
#include "kit/student/socketfuncs.h"
#include "kit/time/timestamp.h"

// Reads back the posts stored in the file at `path`, oldest first, and cuts off a post that
// was only half written when the server stopped.
std::vector<std::string> load_posts(const std::string& path) {
  std::vector<std::string> posts;
  if (!chatkit::file_exists(path)) return posts;
  const std::string bytes = chatkit::read_file(path);
  std::size_t whole = 0;  // Where the last whole frame ends.
  while (bytes.size() - whole >= 4) {
    std::uint32_t n = 0;
    for (std::size_t i = 0; i < 4; ++i) n = n << 8 | static_cast<unsigned char>(bytes[whole + i]);
    if (bytes.size() - whole - 4 < n) break;  // The post is cut short.
    posts.push_back(bytes.substr(whole + 4, n));
    whole += 4 + n;
  }
  if (whole < bytes.size()) {
    // On stderr: the first line on stdout must be "listening on".
    std::cerr << "Cutting off a half-written post at the end of " << path << std::endl;
    chatkit::truncate_file(path, whole);
  }
  return posts;
}

// Appends `post` to the file and returns once it is on the disk itself.
void store_post(chatkit::File& post_file, const std::string& post) {
  post_file.write_all(chatkit::encode_frame(post));
  post_file.sync();
}

void send_history(chatkit::Socket& conn, const std::vector<std::string>& posts) {
  socketfuncs::send_message(conn, std::to_string(posts.size()));
  for (const std::string& post : posts) socketfuncs::send_message(conn, post);
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
  const bool ipv6 = bind_address.find(':') != std::string::npos;
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
      conn.set_timeout(std::chrono::seconds(2));
      send_history(conn, posts);
      const std::string message = socketfuncs::receive_message(conn);
      if (!message.empty()) {
        const std::string post = "[" + chatkit::local_timestamp_now() + " " +
                                 chatkit::host_name_of(address.ip) + "] " + message;
        if (post.size() > socketfuncs::kMaxMessageBytes) {
          throw std::length_error("the post would be over the limit");
        }
        store_post(post_file, post);
        posts.push_back(post);
        socketfuncs::send_message(conn, post);  // The acknowledgement: only now.
      }
    } catch (const std::exception& error) {
      std::cout << "Dropped " << address.text() << ": " << error.what() << std::endl;
    }
    conn.close();
  }
}
