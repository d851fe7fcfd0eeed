// The deliberate mistakes of broken-server and broken-client, and the framing that makes them.
#ifndef CHATKIT_EXERCISES_BROKEN_MISTAKES_H_
#define CHATKIT_EXERCISES_BROKEN_MISTAKES_H_

#include <optional>
#include <string>
#include <vector>

#include "kit/student/socket.h"

namespace chatkit::broken {

enum class Mistake {
  kNone,             // Correct.
  kOneByteWrites,    // Correct too: each frame's length and first 256 payload bytes go one byte
                     // per send. The peer must reassemble them.
  kLittleEndian,     // Lengths in host byte order (little-endian), sent and read.
  kCharacterLength,  // The length counts characters (code points), not UTF-8 bytes.
  kSingleRecv,       // Reads a frame with one receive and takes what came as the whole frame.
  kMissingCount,     // Server: sends the history items without the count.
  kBinaryCount,      // Server: the count as 4 binary bytes. Client: reads it that way.
  kEarlyClose,       // Server: closes without reading the message. Client: "history" is sent,
                     // and the client closes without reading the second history.
  kNoTimeout,        // Server: no receive timeout, so a silent client blocks everybody.
  kNeverReads,       // Client: sends its message without ever reading the history.
  kNoAck,            // Server: stores the post but sends no acknowledgement.
  kMemoryOnly,       // Server: acknowledges posts it keeps in memory only.
  kNoAckWait,        // Client: closes right after sending, never reading the acknowledgement.
};

std::vector<std::string> mistake_names();
std::optional<Mistake> mistake_from_name(const std::string& name);

// The frame for `text` as `mistake` builds it, sent as `mistake` sends it.
void send_frame(Socket& socket, const std::string& text, Mistake mistake);
// One frame as `mistake` reads it; "" at the end of the stream.
std::string receive_frame(Socket& socket, Mistake mistake);

}  // namespace chatkit::broken

#endif  // CHATKIT_EXERCISES_BROKEN_MISTAKES_H_
