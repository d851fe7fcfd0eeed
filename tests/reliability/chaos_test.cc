// `chat-server --chaos`: every byte still arrives, in the same order, but in small pieces with
// pauses; a chosen share of connections is dropped in the middle of a frame; the seed repeats a
// run's decisions; and the reference client copes with all of it.
#include <gtest/gtest.h>

#include <set>

#include "kit/diagnostics/byte_dump.h"
#include "kit/protocol/post.h"
#include "kit/protocol/stage.h"
#include "tests/integration/server_harness.h"
#include "tests/reliability/reliability_support.h"

namespace chatkit::testing {
namespace {

constexpr int kPosts = 40;

// Connects, optionally sends one frame, half-closes, and records every read as it came, until
// the server ends the connection.
class ChunkReader {
 public:
  ChunkReader(TestLoop& loop, int port, std::optional<std::string> message) : loop_(loop) {
    if (message) frame_ = encode_frame(*message);
    uv_tcp_init(loop.get(), &tcp_);
    tcp_.data = this;
    sockaddr_in address{};
    uv_ip4_addr("127.0.0.1", port, &address);
    connect_.data = this;
    if (uv_tcp_connect(&connect_, &tcp_, reinterpret_cast<const sockaddr*>(&address), on_connect) <
        0) {
      end(PeerClose::kReset);
    }
  }
  ~ChunkReader() {
    if (!closed_) {
      end(PeerClose::kOpen);
      loop_.run_until([this] { return closed_; });
    }
  }
  // Runs the loop until the server ended the connection.
  bool wait() {
    return loop_.run_until([this] { return closed_; }, milliseconds(20000));
  }

  const std::vector<std::string>& chunks() const { return chunks_; }
  std::string bytes() const {
    std::string all;
    for (const std::string& chunk : chunks_) all += chunk;
    return all;
  }
  PeerClose close_kind() const { return close_; }

 private:
  static void on_connect(uv_connect_t* req, int status) {
    auto* self = static_cast<ChunkReader*>(req->data);
    if (status < 0) {
      if (status != UV_ECANCELED) self->end(PeerClose::kReset);
      return;
    }
    auto* stream = reinterpret_cast<uv_stream_t*>(&self->tcp_);
    uv_read_start(stream, on_alloc, on_read);
    if (!self->frame_.empty()) {
      uv_buf_t buf = uv_buf_init(self->frame_.data(), static_cast<unsigned>(self->frame_.size()));
      uv_write(&self->write_, stream, &buf, 1, [](uv_write_t*, int) {});
    }
    uv_shutdown(&self->shutdown_, stream, [](uv_shutdown_t*, int) {});
  }
  static void on_alloc(uv_handle_t* handle, std::size_t, uv_buf_t* buf) {
    auto* self = static_cast<ChunkReader*>(handle->data);
    *buf = uv_buf_init(self->buffer_, sizeof self->buffer_);
  }
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    auto* self = static_cast<ChunkReader*>(stream->data);
    if (nread > 0) {
      self->chunks_.emplace_back(buf->base, static_cast<std::size_t>(nread));
    } else if (nread < 0) {
      self->end(nread == UV_EOF ? PeerClose::kEof : PeerClose::kReset);
    }
  }
  void end(PeerClose close) {
    if (closing_) return;
    closing_ = true;
    close_ = close;
    uv_close(reinterpret_cast<uv_handle_t*>(&tcp_),
             [](uv_handle_t* handle) { static_cast<ChunkReader*>(handle->data)->closed_ = true; });
  }

  TestLoop& loop_;
  uv_tcp_t tcp_{};
  uv_connect_t connect_{};
  uv_write_t write_{};
  uv_shutdown_t shutdown_{};
  std::string frame_;
  char buffer_[64 * 1024];
  std::vector<std::string> chunks_;
  PeerClose close_ = PeerClose::kOpen;
  bool closing_ = false;
  bool closed_ = false;
};

class ChaosMode : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < kPosts; ++i) {
      // Lengths from 0 to 600 bytes of text, some of it beyond ASCII.
      posts_.push_back("[2026-11-24T09:14:40.000017+01:00 192.0.2.7] héllo " +
                       std::string(static_cast<std::size_t>(i * 15), 'x') + " ✓" +
                       std::to_string(i));
    }
    ASSERT_EQ(create_history_file(dir_.file("history.db"), posts_), "");
    history_bytes_ = encode_frame(format_count(posts_.size()));
    for (const std::string& post : posts_) append_frame(post, history_bytes_);
  }
  void TearDown() override {
    server_.reset();
    EXPECT_TRUE(loop_.close());
  }
  void start(const std::string& drop_percent, const std::string& seed) {
    server_ = std::make_unique<ServerUnderTest>(
        loop_, 3, dir_.path(), dir_.file("history.db"),
        std::vector<std::string>{"--chaos", "--chaos-drop", drop_percent, "--chaos-seed", seed});
    ASSERT_TRUE(server_->started()) << server_->describe();
  }
  ChildProcess::Options client_options(const std::string& message) {
    ChildProcess::Options options;
    options.argv = {CHATKIT_CLIENT_PATH, "--stage", "3", "--port", std::to_string(server_->port()),
                    "--message",         message};
    return options;
  }
  void stop() {
    const auto status = server_->stop();
    ASSERT_TRUE(status.has_value()) << server_->describe();
    EXPECT_EQ(status->exit_code, 0) << server_->describe();
  }

  TempDir dir_;
  TestLoop loop_;
  std::vector<std::string> posts_;
  std::string history_bytes_;  // The count frame and every item, as the server sends them.
  std::unique_ptr<ServerUnderTest> server_;
};

TEST_F(ChaosMode, DeliversEveryByteInOrderInSmallPiecesThatSplitLengthPrefixes) {
  start("0", "42");
  ChunkReader reader(loop_, server_->port(), "through the chaos");
  ASSERT_TRUE(reader.wait()) << server_->describe();
  const std::string received = reader.bytes();
  ASSERT_GE(received.size(), history_bytes_.size())
      << describe_difference(history_bytes_, received);
  EXPECT_EQ(received.substr(0, history_bytes_.size()), history_bytes_)
      << describe_difference(history_bytes_, received.substr(0, history_bytes_.size()));
  FrameDecoder ack;
  ack.feed(std::string_view(received).substr(history_bytes_.size()));
  ASSERT_EQ(ack.state(), FrameDecoder::State::kFrameDone)
      << "the acknowledgement follows the history, whole\n"
      << hex_dump(received.substr(history_bytes_.size()));
  EXPECT_EQ(parse_post(ack.message())->message, "through the chaos");
  EXPECT_EQ(reader.close_kind(), PeerClose::kEof) << "nothing is dropped with --chaos-drop 0";

  // Where the reads ended: inside length prefixes, not only at frame boundaries.
  std::set<std::size_t> prefix_offsets;  // Offsets strictly inside a length prefix.
  {
    FrameDecoder walker;
    std::size_t offset = 0;
    while (offset < received.size()) {
      const std::size_t start = offset;
      offset += walker.feed(std::string_view(received).substr(offset));
      for (std::size_t inside = start + 1; inside < start + 4; ++inside)
        prefix_offsets.insert(inside);
    }
  }
  std::size_t split_prefixes = 0;
  std::size_t end = 0;
  for (const std::string& chunk : reader.chunks()) {
    end += chunk.size();
    if (prefix_offsets.count(end) != 0) ++split_prefixes;
  }
  EXPECT_GT(reader.chunks().size(), static_cast<std::size_t>(kPosts))
      << "with --chaos the " << received.size() << " bytes should arrive in many small reads";
  std::string sizes;
  for (const std::string& chunk : reader.chunks()) sizes += std::to_string(chunk.size()) + " ";
  EXPECT_GT(split_prefixes, 0u) << "some reads should end inside a 4-byte length prefix, out of "
                                << reader.chunks().size() << " reads of " << sizes;
  RecordProperty("reads", static_cast<int>(reader.chunks().size()));
  RecordProperty("split_length_prefixes", static_cast<int>(split_prefixes));
  stop();
}

TEST_F(ChaosMode, DropsConnectionsInTheMiddleOfAFrameWithFinOrReset) {
  start("100", "7");
  std::set<PeerClose> endings;
  for (int i = 0; i < 12; ++i) {
    ChunkReader reader(loop_, server_->port(), std::nullopt);
    ASSERT_TRUE(reader.wait()) << server_->describe();
    const std::string received = reader.bytes();
    EXPECT_LT(received.size(), history_bytes_.size()) << "connection " << i << " was not dropped";
    EXPECT_EQ(received, history_bytes_.substr(0, received.size()))
        << "what arrives before a drop is still exact\n"
        << describe_difference(history_bytes_.substr(0, received.size()), received);
    FrameDecoder decoder;
    std::size_t offset = 0;
    while (offset < received.size())
      offset += decoder.feed(std::string_view(received).substr(offset));
    const bool mid_frame =
        decoder.state() == FrameDecoder::State::kReadingPayload ||
        (decoder.state() == FrameDecoder::State::kReadingLength && decoder.length_bytes_read() > 0);
    EXPECT_TRUE(mid_frame) << "connection " << i << " ended after " << received.size()
                           << " bytes, at a frame boundary rather than inside a frame ("
                           << reader.close_kind() << ", " << decoder.frames_decoded()
                           << " whole frames)\n"
                           << server_->describe();
    endings.insert(reader.close_kind());
  }
  EXPECT_EQ(endings.count(PeerClose::kOpen), 0u);
  EXPECT_EQ(endings.size(), 2u) << "drops end with a FIN or a RST, both should be seen";
  EXPECT_TRUE(loop_.run_until([&] {
    return count_lines_with(server_->process().stdout_text(), "chaos: dropped with a") >= 12;
  })) << "each drop is logged\n"
      << server_->describe();
  stop();
}

TEST_F(ChaosMode, TheSeedRepeatsWhichConnectionsAreDropped) {
  auto dropped_pattern = [&] {
    std::string pattern;
    for (int i = 0; i < 10; ++i) {
      ChunkReader reader(loop_, server_->port(), std::nullopt);
      EXPECT_TRUE(reader.wait()) << server_->describe();
      pattern += reader.bytes() == history_bytes_ ? '.' : 'D';
    }
    return pattern;
  };
  start("50", "2026");
  const std::string first = dropped_pattern();
  EXPECT_TRUE(server_->process().wait_for_stdout_text("--chaos-seed 2026 repeats this run"))
      << server_->describe();
  stop();
  start("50", "2026");
  const std::string second = dropped_pattern();
  stop();
  EXPECT_EQ(first, second) << "D = dropped; the same seed must drop the same connections";
  EXPECT_NE(first.find('D'), std::string::npos) << first;
  EXPECT_NE(first.find('.'), std::string::npos) << first;
}

TEST_F(ChaosMode, ReferenceClientPostsThroughChaosAndFailsCleanlyOnDrops) {
  start("0", "99");
  {
    ChildProcess client(loop_, client_options("through chaos"));
    const auto status = client.wait_for_exit();
    ASSERT_TRUE(status.has_value()) << client.describe();
    EXPECT_EQ(status->exit_code, 0) << client.describe() << "\n" << server_->describe();
    EXPECT_EQ(count_lines_with(client.stdout_text(), "] héllo "), static_cast<std::size_t>(kPosts))
        << client.describe();
    EXPECT_NE(client.stdout_text().find("Posted: "), std::string::npos) << client.describe();
  }
  stop();
  start("100", "99");
  for (int i = 0; i < 6; ++i) {
    ChildProcess client(loop_, client_options("dropped"));
    const auto status = client.wait_for_exit();
    ASSERT_TRUE(status.has_value()) << client.describe();
    EXPECT_EQ(status->term_signal, 0) << client.describe();
    EXPECT_TRUE(status->exit_code == 1 || status->exit_code == 3)
        << "a dropped connection is a connection error (1) or an unacknowledged post (3)\n"
        << client.describe();
    EXPECT_EQ(client.stderr_text().rfind("chat-client: ", 0), 0u) << client.describe();
  }
  stop();
}

}  // namespace
}  // namespace chatkit::testing
