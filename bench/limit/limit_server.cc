// limit-server: this machine's ceiling for the stage-3 read exchange (Linux only).
//
//   limit-server --history posts.txt [--bind 127.0.0.1] [--port 0]
//
// It answers every connection the way a stage-3 server answers a reader, with the least work
// this machine allows: the reply (count frame and every history item, framed) is built once at
// start, and each connection gets one write() of it, then one read() of the client's frame,
// then close(). One thread, one epoll set, no timers, no logging, no storage. Whatever the
// reference server achieves is measured as a fraction of what this achieves under the same
// load (tests/bench/compare.py). It is not a chat server: it never stores or acknowledges a post
// (a client's message is read and dropped), and it trusts its clients.
//
// The history file holds one post per line, like `chat-server --import`, read the same way
// (kit/protocol/history_text.h), so both servers send byte for byte the same history.
//
// Prints "listening on ADDR:PORT" first, like chat-server; on SIGINT or SIGTERM prints how many
// connections it served and exits 0.
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "kit/framing/frame_codec.h"
#include "kit/net/read_file.h"
#include "kit/protocol/history_text.h"
#include "kit/protocol/stage.h"

namespace {

volatile sig_atomic_t g_stop = 0;
void on_stop_signal(int) {
  g_stop = 1;
}

// One client. The reply is shared; a connection only remembers how far it got.
struct Client {
  int fd = -1;
  std::size_t sent = 0;         // Bytes of the reply written so far.
  std::uint8_t header[4] = {};  // The client's frame: its length prefix...
  std::size_t header_have = 0;
  std::uint64_t payload_left = 0;  // ...and the payload bytes still to read.
  bool frame_done = false;
  bool polling_out = false;  // EPOLLOUT is in the interest set (the reply did not fit at once).
};

void die(const char* step) {
  std::fprintf(stderr, "limit-server: %s: %s\n", step, std::strerror(errno));
  std::exit(1);
}

// Consumes bytes of the client's one frame from `data`; sets frame_done once it is complete.
void take_frame_bytes(Client& client, const std::uint8_t* data, std::size_t size) {
  while (size > 0 && !client.frame_done) {
    if (client.header_have < 4) {
      const std::size_t take = std::min<std::size_t>(size, 4 - client.header_have);
      std::memcpy(client.header + client.header_have, data, take);
      client.header_have += take;
      data += take;
      size -= take;
      if (client.header_have == 4) {
        client.payload_left = chatkit::read_frame_header(client.header);
        client.frame_done = client.payload_left == 0;
      }
      continue;
    }
    const std::size_t take = std::min<std::uint64_t>(size, client.payload_left);
    client.payload_left -= take;
    data += take;
    size -= take;
    client.frame_done = client.payload_left == 0;
  }
}

class LimitServer {
 public:
  LimitServer(std::string reply, int listener) : reply_(std::move(reply)), listener_(listener) {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) die("epoll_create1");
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.ptr = nullptr;  // nullptr marks the listener.
    if (epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_, &event) < 0) die("epoll_ctl listener");
  }

  void run() {
    std::vector<epoll_event> events(256);
    while (!g_stop) {
      const int ready = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), -1);
      if (ready < 0) {
        if (errno == EINTR) continue;
        die("epoll_wait");
      }
      for (int i = 0; i < ready; ++i) {
        auto* client = static_cast<Client*>(events[i].data.ptr);
        if (client == nullptr) {
          accept_all();
        } else {
          serve(*client, events[i].events);
        }
      }
    }
  }

  std::uint64_t served() const { return served_; }
  std::uint64_t failed() const { return failed_; }

 private:
  void accept_all() {
    for (;;) {
      const int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
        if (errno == EMFILE || errno == ENFILE || errno == ECONNABORTED) return;
        die("accept4");
      }
      auto* client = new Client;
      client->fd = fd;
      // The reply goes out at once: usually the whole of it fits the socket buffer.
      write_reply(*client);
      if (client->fd < 0) continue;
      epoll_event event{};
      event.events = EPOLLIN | (client->polling_out ? EPOLLOUT : 0u);
      event.data.ptr = client;
      if (epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) < 0) die("epoll_ctl add");
    }
  }

  // Writes as much of the reply as the socket takes. Closes the client on error.
  void write_reply(Client& client) {
    while (client.sent < reply_.size()) {
      const ssize_t n = write(client.fd, reply_.data() + client.sent, reply_.size() - client.sent);
      if (n > 0) {
        client.sent += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        client.polling_out = true;
        return;
      }
      finish(client, false);
      return;
    }
  }

  void serve(Client& client, std::uint32_t events) {
    if (events & EPOLLOUT) {
      write_reply(client);
      if (client.fd < 0) return;
      if (client.sent == reply_.size()) {
        client.polling_out = false;
        if (client.frame_done) {
          finish(client, true);
          return;
        }
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.ptr = &client;
        if (epoll_ctl(epoll_, EPOLL_CTL_MOD, client.fd, &event) < 0) die("epoll_ctl mod");
      }
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
      std::uint8_t buffer[4096];
      const ssize_t n = read(client.fd, buffer, sizeof buffer);
      if (n > 0) {
        take_frame_bytes(client, buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        // The client left before its frame was complete.
        finish(client, false);
        return;
      }
      if (client.frame_done && client.sent == reply_.size()) finish(client, true);
    }
  }

  // close() ends the exchange with FIN (the client's frame has been read, so no RST).
  void finish(Client& client, bool ok) {
    if (ok) {
      ++served_;
    } else {
      ++failed_;
    }
    close(client.fd);
    client.fd = -1;
    delete &client;
  }

  std::string reply_;
  int listener_;
  int epoll_ = -1;
  std::uint64_t served_ = 0;
  std::uint64_t failed_ = 0;
};

int listen_on(const std::string& bind, int port, std::string* bound_text) {
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (getaddrinfo(bind.c_str(), service.c_str(), &hints, &found) != 0 || found == nullptr) {
    std::fprintf(stderr, "limit-server: --bind takes an IP address, not \"%s\"\n", bind.c_str());
    std::exit(2);
  }
  const int fd = socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, found->ai_addr, found->ai_addrlen) < 0) die("bind");
  freeaddrinfo(found);
  // The same accept queue as chat-server's.
  if (listen(fd, 511) < 0) die("listen");

  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length) < 0) die("getsockname");
  char ip[INET6_ADDRSTRLEN] = "?";
  int bound_port = 0;
  if (bound.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&bound);
    inet_ntop(AF_INET6, &v6->sin6_addr, ip, sizeof ip);
    bound_port = ntohs(v6->sin6_port);
    *bound_text = "[" + std::string(ip) + "]:" + std::to_string(bound_port);
  } else {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&bound);
    inet_ntop(AF_INET, &v4->sin_addr, ip, sizeof ip);
    bound_port = ntohs(v4->sin_port);
    *bound_text = std::string(ip) + ":" + std::to_string(bound_port);
  }
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  std::string history_path;
  std::string bind = "127.0.0.1";
  int port = 0;
  CLI::App app{"limit-server: the machine's ceiling for the chat read exchange (benchmarks only)"};
  app.add_option("--history", history_path, "the history, one post per line (as for --import)")
      ->required();
  app.add_option("--bind", bind, "IP address to listen on")->capture_default_str();
  app.add_option("--port", port, "TCP port; 0 picks a free one")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);
    return status == 0 ? 0 : 2;
  }

  // The history file, read and split by the same rules as chat-server --import.
  std::string text;
  uv_loop_t loop;
  uv_loop_init(&loop);
  const chatkit::UvError read_error = chatkit::read_whole_file(&loop, history_path, &text);
  uv_loop_close(&loop);
  if (read_error) {
    std::fprintf(stderr, "limit-server: %s\n", read_error.message().c_str());
    return 1;
  }
  chatkit::HistoryLines lines;
  std::string error;
  if (!chatkit::parse_history_lines(text, chatkit::kDefaultMaxMessageBytes, &lines, &error)) {
    std::fprintf(stderr, "limit-server: %s: %s\n", history_path.c_str(), error.c_str());
    return 1;
  }
  std::vector<std::string>& posts = lines.posts;
  std::string reply;
  chatkit::append_frame(chatkit::format_count(posts.size()), reply);
  for (const std::string& post : posts) chatkit::append_frame(post, reply);
  posts.clear();
  posts.shrink_to_fit();

  signal(SIGPIPE, SIG_IGN);
  struct sigaction stop {};
  stop.sa_handler = on_stop_signal;
  sigaction(SIGINT, &stop, nullptr);
  sigaction(SIGTERM, &stop, nullptr);

  std::string bound;
  const int listener = listen_on(bind, port, &bound);
  std::printf("listening on %s\n", bound.c_str());
  std::printf("limit-server: reply of %zu bytes per connection\n", reply.size());
  std::fflush(stdout);
  LimitServer server(std::move(reply), listener);
  server.run();
  std::printf("limit-server: served %llu connections, %llu ended early\n",
              static_cast<unsigned long long>(server.served()),
              static_cast<unsigned long long>(server.failed()));
  return 0;
}
