// ChatClient: one conversation with a chat server, as the course's client programs hold it.
//
//   stage 1  connect, send one message, close.
//   stage 2  connect, print the history, send one message, close. The message `history` asks
//            the server to send the history again, which is printed too.
//   stage 3  connect, print the posts, send one post, wait for the server's acknowledgement
//            (the stored post) and print it, close.
//
// What the server's bytes mean is decided by the kit's ClientSession (kit/protocol/
// client_session.h), which the browser viewer runs too: the history, the acknowledgement, every
// protocol error, and the stage the server seems to run when its bytes show another stage than
// --stage (this client adds "try --stage N"). ChatClient keeps the I/O: the name lookup, the
// connection, standard input, the timers, and what it prints.
//
// Everything happens on one libuv loop: the name lookup, the connection, standard input and the
// timer (for the history count, then for the acknowledgement). main() creates the client, calls
// start(), runs the loop until nothing is left on it, and exits with exit_code(). Results for the
// user go to stdout; failures go to stderr as one line "chat-client: <reason>" (protocol errors may
// add a byte dump below it).
#ifndef CHATKIT_CLIENT_CHAT_CLIENT_H_
#define CHATKIT_CLIENT_CHAT_CLIENT_H_

#include <uv.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/line_reader.h"
#include "kit/framing/frame_codec.h"
#include "kit/net/tcp_stream.h"
#include "kit/protocol/client_session.h"
#include "kit/protocol/stage.h"

namespace chatkit {

// chat-client's exit codes.
inline constexpr int kExitSuccess = 0;
inline constexpr int kExitFailure = 1;          // Connection or protocol error.
inline constexpr int kExitUsage = 2;            // Bad options or an unusable message.
inline constexpr int kExitNotAcknowledged = 3;  // Stage 3: the post went out, no ack came back.

struct ClientOptions {
  Stage stage = Stage::kPersisted;
  std::string host = "127.0.0.1";  // A name or an IPv4/IPv6 literal.
  int port = 10000;
  // The message to send; when absent, the client prompts and reads a line from standard input.
  std::optional<std::string> message;
  double ack_timeout_seconds = 5.0;
  // Stages 2 and 3: how long to wait after connecting for the server's first byte. A stage-2 or
  // stage-3 server sends its history count at once; a stage-1 server sends nothing and would
  // keep the client waiting for its whole idle timeout (30 s by default). The default leaves
  // room for a busy server and stays well under that.
  double count_timeout_seconds = 5.0;
  std::uint32_t max_message_bytes = kDefaultMaxMessageBytes;
};

class ChatClient final : private TcpStream::Handler {
 public:
  ChatClient(uv_loop_t* loop, ClientOptions options);
  // Precondition: uv_run() has returned, so every handle of the client is closed.
  ~ChatClient() override;
  ChatClient(const ChatClient&) = delete;
  ChatClient& operator=(const ChatClient&) = delete;

  // Starts the conversation; it goes on inside uv_run().
  void start();
  // The exit code, once the conversation is over (always so when uv_run() has returned).
  int exit_code() const { return exit_code_; }

 private:
  enum class Phase {
    kResolving,       // Looking up the host name.
    kConnecting,      // Trying the addresses in turn.
    kReadingHistory,  // Stage 2/3: receiving the count and the items.
    kReadingMessage,  // Waiting for the message from standard input.
    kSending,         // The message is queued; what happens next depends on reply_.
    kDone,            // finish() ran; the handles are closing.
  };
  // The steps, in conversation order.
  void on_resolved(const UvError& error, const std::vector<sockaddr_storage>& addresses);
  void connect_next();
  void on_connected(const UvError& error);
  void connect_failed(const UvError& error);
  void get_message();
  void on_line(const LineResult& result);
  void send_message(const std::string& message);
  void on_shutdown(const UvError& error);
  // Starts (or restarts) the one timer of the client: it waits for the history count, then,
  // in stage 3, for the acknowledgement; the two waits never overlap.
  void start_timer(double seconds, uv_timer_cb callback);
  static void on_count_timeout(uv_timer_t* timer);
  static void on_ack_timeout(uv_timer_t* timer);
  static void on_timer_closed(uv_handle_t* handle);

  // Acts on what the session made of the server's bytes, its close or a timeout: prints the
  // history and the acknowledgement, asks for the message, ends the conversation.
  void take_session_events();
  void on_session_failed(const ClientFailure& failure);

  // TcpStream::Handler.
  void on_stream_data(const char* data, std::size_t size) override;
  void on_stream_end(const UvError& error) override;
  void on_stream_written(const UvError& error) override;
  void on_stream_closed() override;

  // Ends the conversation with `exit_code`; `reason` (when not empty) goes to stderr. Closes
  // every handle. Only the first call counts.
  void finish(int exit_code, const std::string& reason);
  static std::string seconds_text(double seconds);

  uv_loop_t* loop_;
  const ClientOptions options_;
  Phase phase_ = Phase::kResolving;
  // After the message: true when the server owes a reply or its close decides the outcome
  // (stage 3, stage 2 `history`); false when the shutdown finishing ends the conversation.
  bool awaits_reply_ = false;
  int exit_code_ = kExitFailure;

  std::vector<sockaddr_storage> addresses_;
  std::size_t next_address_ = 0;  // Index of the next address to try.
  std::string tried_;             // The addresses tried so far, for the error message.
  std::string peer_;              // The address connected to, "127.0.0.1:10000".

  // Replaced for each connection attempt: a handle whose connect failed cannot be reused.
  std::unique_ptr<TcpStream> stream_;
  ClientSession session_;
  LineReader line_reader_;
  bool message_written_ = false;

  uv_timer_t timer_{};
  bool timer_open_ = false;
};

}  // namespace chatkit

#endif  // CHATKIT_CLIENT_CHAT_CLIENT_H_
