// ChaosWriter: `chat-server --chaos`, real TCP behaviour on demand, for students' clients.
//
// On a classroom's loopback or LAN, a frame written in one call almost always arrives in one
// read, so a client that assumes one read = one frame passes every demonstration and fails in
// the field. In chaos mode each connection's output goes through a ChaosWriter, which hands it to
// the socket in random small pieces (1 byte up to 4 KiB, often splitting a length prefix) with
// random small delays (0 to 10 ms) between them, and which, for a chosen share of connections,
// drops the connection in the middle of a frame: it sends part of the frame and then a FIN or a
// RST, as a crashed server or a broken network would. A client that handles all of this handles
// TCP.
//
// The writer sits between Connection and its TcpStream as the connection's OutputWriter
// (server/output_writer.h), the same interface as the plain StreamWriter. The buffers' contract
// is the stream's: the caller keeps each buffer valid until bytes_in_flight() has dropped to 0
// after the write (the writer holds pieces of them until their turn).
//
// Decisions are random but reproducible: each connection's generator is seeded from the server's
// chaos seed (logged at start, --chaos-seed to repeat it) and the connection's id, so the same
// seed splits and drops the same connections the same way; only the network's timing differs.
//
// Lifetime: owned by the Connection, destroyed after the stream closed. Its delay timer lives on
// the heap and frees itself in its close callback, so destroying the writer never waits.
#ifndef CHATKIT_SERVER_CHAOS_WRITER_H_
#define CHATKIT_SERVER_CHAOS_WRITER_H_

#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>

#include "kit/net/tcp_stream.h"
#include "kit/net/uv_error.h"
#include "server/output_writer.h"

namespace chatkit {

// The chaos settings of a whole server.
struct ChaosSettings {
  std::uint64_t seed = 0;      // Logged at start; the same seed repeats the same decisions.
  unsigned drop_percent = 10;  // Share of connections dropped mid-frame, 0 to 100.
};

// The log line that announces chaos mode at start, with the seed that repeats the run.
std::string describe_chaos(std::uint64_t seed, unsigned drop_percent);

class ChaosWriter final : public OutputWriter {
 public:
  // The largest piece and the longest pause between two pieces. While more than kBulkBytes wait
  // (a long history), pieces are up to kBulkFactor times larger, so that chaos stays a matter of
  // seconds for a class's history.
  static constexpr std::size_t kMaxPieceBytes = 4096;
  static constexpr std::uint64_t kMaxDelayMs = 10;
  static constexpr std::size_t kBulkBytes = 64 * 1024;
  static constexpr std::size_t kBulkFactor = 16;
  // A drop with a RST waits this long after the partial frame, so that the client has read it:
  // a RST makes the peer's kernel discard data not yet read.
  static constexpr std::uint64_t kResetDelayMs = 50;

  struct Events {
    // The writer is dropping the connection; `reason` is for the "closed (...)" log line. The
    // writer itself then ends the stream (FIN after the partial frame, or RST).
    std::function<void(const std::string& reason)> on_drop;
    // A piece could not be written; the connection should close with this error.
    std::function<void(const UvError& error)> on_error;
  };

  // `stream` must be initialized and outlive the writer. `connection_id` picks this connection's
  // random sequence out of `settings.seed`.
  ChaosWriter(uv_loop_t* loop, TcpStream& stream, const ChaosSettings& settings,
              std::uint64_t connection_id, Events events);
  ~ChaosWriter() override;
  ChaosWriter(const ChaosWriter&) = delete;
  ChaosWriter& operator=(const ChaosWriter&) = delete;

  // Queues `count` borrowed buffers; they go out in pieces. Fails, without queuing, when the
  // stream is closing; after a drop, bytes are accepted and discarded, as a dead network would.
  UvError write(const uv_buf_t* bufs, unsigned count) override;
  // Bytes accepted by write() and not yet written by the socket (queued here or in the stream).
  std::size_t bytes_in_flight() const override { return unsent_ + stream_.bytes_in_flight(); }
  // Ends the connection with a FIN once every queued byte is out, like
  // TcpStream::close_after_writes(). A connection chosen for a drop is cut inside its last
  // frame instead, if it was not cut earlier.
  void close_after_writes() override;

 private:
  struct Chunk {
    const char* data;
    std::size_t size;
  };
  struct Timer {
    uv_timer_t handle;
    ChaosWriter* owner;  // Null once the writer is gone.
  };

  std::uint64_t random();
  std::uint64_t random_below(std::uint64_t bound) { return bound == 0 ? 0 : random() % bound; }
  void on_frame(std::uint64_t start, std::uint64_t size);
  bool plan_cut(std::uint64_t start, std::uint64_t size);
  void arm();
  static void on_timer(uv_timer_t* handle);
  static void on_timer_closed(uv_handle_t* handle);
  void send_piece();
  std::size_t piece_size();
  void drop();

  TcpStream& stream_;
  Events events_;
  std::uint64_t rng_state_;
  Timer* timer_;
  bool armed_ = false;

  std::deque<Chunk> queue_;
  std::size_t unsent_ = 0;       // Bytes in queue_.
  std::uint64_t submitted_ = 0;  // Bytes ever handed to the stream.
  bool ending_ = false;          // close_after_writes() was called.

  // Follows the frame structure of a byte stream, to aim drops and splits at frames.
  struct FrameTracker {
    std::uint8_t header[4] = {};
    std::size_t header_have = 0;
    std::uint64_t payload_left = 0;
    std::uint64_t offset = 0;  // Bytes seen.
    // Bytes from here to the next frame's first byte (0 inside a length prefix or at its start).
    std::uint64_t to_next_frame() const { return header_have > 0 ? 0 : payload_left; }
    // Advances over `data`; calls on_frame(start, size) when a length prefix completes.
    template <typename OnFrame>
    void consume(const char* data, std::size_t size, OnFrame on_frame);
  };

  FrameTracker queued_frames_;     // Over the bytes given to write().
  FrameTracker submitted_frames_;  // Over the bytes handed to the stream.
  std::uint64_t frames_seen_ = 0;
  std::uint64_t last_frame_start_ = 0;
  std::uint64_t last_frame_size_ = 0;  // 0: no frame seen yet.

  bool drop_planned_ = false;
  bool drop_with_reset_ = false;
  std::uint64_t cut_frame_ = 0;  // The drop lands in this frame (0 = the first)...
  bool cut_planned_ = false;
  std::uint64_t cut_at_ = 0;  // ...after this many bytes of output in all.
  std::uint64_t cut_frame_start_ = 0;
  std::uint64_t cut_frame_size_ = 0;
  std::uint64_t cut_frame_index_ = 0;
  bool dropped_ = false;
  bool reset_pending_ = false;  // Dropped with a RST still to send (after kResetDelayMs).
};

}  // namespace chatkit

#endif  // CHATKIT_SERVER_CHAOS_WRITER_H_
