#include "exercises/check/hints.h"

#include <algorithm>
#include <cstdint>

#include "exercises/check/check_config.h"
#include "kit/framing/frame_codec.h"
#include "kit/protocol/client_session.h"

namespace chatkit::exercises {

const char* const kHintByteOrder =
    "the 4 length bytes are in reverse order: little-endian, the byte order of x86 and ARM "
    "processors. The protocol's length is big-endian, most significant byte first: \"Hi\" is "
    "00 00 00 02 48 69, not 02 00 00 00 48 69. C++: put the bytes in one by one with shifts "
    "(n >> 24, n >> 16, n >> 8, n) and read them back the same way; copying an int's memory "
    "(memcpy, a pointer cast) uses the processor's order. Python: struct.pack(\"!I\", n) and "
    "struct.unpack(\"!I\", ...), with the \"!\" (network order); \"I\" alone is the machine's.";
const char* const kHintCharacters =
    "the length counts characters, but it must count the bytes of the UTF-8 text: \"é\" is one "
    "character and two bytes (c3 a9). In C++ use the std::string's size(); in Python "
    "len(text.encode(\"utf-8\")), not len(text).";
const char* const kHintCountAsBinary =
    "the count was sent as a binary number. It must be decimal text in a frame of its own: 3 "
    "items is the message \"3\", the frame 00 00 00 01 33 (C++: "
    "send_message(conn, std::to_string(history.size())); Python: send_message(conn, "
    "str(len(history)))). A client reads it back with std::stoi / int().";
const char* const kHintForgotCount =
    "the first frame must be the count of history items (decimal text, such as \"2\"), and the "
    "items follow it. Here the items came without the count before them.";
const char* const kHintLengthAsText =
    "the length was sent as text (ASCII digits). It must be 4 binary bytes, big-endian: \"Hi\" is "
    "00 00 00 02 48 69.";
const char* const kHintReassemble =
    "TCP delivers a stream of bytes, not messages: one frame may arrive in many pieces (here: "
    "one byte at a time), and one receive may return the end of one frame with the start of the "
    "next. Read the 4 length bytes with a loop until you have all 4, then loop until you have "
    "all N payload bytes, each time asking recv for what is still missing (the kit's "
    "socketfuncs, given from stage 2 on, do exactly this). A single recv() that assumes it gets "
    "one whole frame works only by luck.";
const char* const kHintNeverAnsweringPeer =
    "one client that connects and then says nothing (or stops half-way through its frame) must "
    "not stop the server from serving everybody else: this is the never-answering peer. A server "
    "that handles one connection at a time and waits forever in receive_message is stuck with "
    "it. Give each connection a receive timeout (C++: conn.set_timeout(std::chrono::seconds(2)); "
    "Python: conn.settimeout(2)) and close the connection when it expires, or serve each "
    "connection on a thread of its own.";
const char* const kHintFlushListening =
    "the program under test must print the line \"listening on ADDR:PORT\" (with the real port) "
    "on standard output as soon as it listens, and flush it: when standard output is a file, "
    "C++ and Python keep what is printed in a buffer until it fills up. C++: std::cout << ... "
    "<< std::endl; Python: print(..., flush=True), or run python3 -u.";

std::string join_hints(const std::string& first, const std::string& next) {
  if (first.empty()) return next;
  if (next.empty()) return first;
  std::string second = next;
  const char last = first.back();
  if ((last == '.' || last == '!' || last == '?') && second[0] >= 'a' && second[0] <= 'z') {
    second[0] = static_cast<char>(second[0] - 'a' + 'A');
  }
  return first + " " + second;
}

std::string hint_not_started(Part part) {
  const CheckConfig& config = check_config();
  const bool server = part == Part::kServer;
  const std::string stage = std::to_string(config.stage);
  if (server ? config.server_is_starter : config.client_is_starter) {
    return "If you have not written this part yet, this failure is expected: the TODOs in the "
           "starter code (exercises/stage" +
           stage + (server ? "/cpp/server.cpp" : "/cpp/client.cpp") + ") are what makes it pass.";
  }
  const std::string python =
      python_starter_file(server ? config.server_command : config.client_command, config.stage,
                          server ? "server" : "client");
  if (!python.empty()) {
    // Stage 1's framing is the student's too: socketfuncs.py, beside the program.
    const std::size_t name = python.rfind('/') + 1;
    return "If you have not written this part yet, this failure is expected: the TODOs in the "
           "starter code (" +
           (config.stage == 1 ? python.substr(0, name) + "socketfuncs.py and " + python.substr(name)
                              : python) +
           ") are what makes it pass.";
  }
  return std::string("If the ") + (server ? "server" : "client") +
         " under test does not do this part of stage " + stage +
         " yet, this failure is expected; if it does, its output below may say what went wrong.";
}

namespace {

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::uint32_t little_endian(const std::uint8_t* bytes) {
  return std::uint32_t{bytes[0]} | (std::uint32_t{bytes[1]} << 8) |
         (std::uint32_t{bytes[2]} << 16) | (std::uint32_t{bytes[3]} << 24);
}

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The hint for the frame that should have been `message` but starts with the bytes `got`.
std::string explain_one(const std::vector<std::string>& messages, std::size_t index, bool is_count,
                        std::string_view got) {
  const std::string& message = messages[index];
  const std::string expected = encode_frame(message);
  if (got.size() < kFrameHeaderBytes) {
    return got.empty() ? "" : "the bytes end in the middle of a length prefix.";
  }
  const auto* header = reinterpret_cast<const std::uint8_t*>(got.data());
  const std::uint32_t length = read_frame_header(header);
  const std::string_view payload = got.substr(kFrameHeaderBytes, length);

  if (is_count) {
    // The count as 4 (or 8) binary bytes, in either byte order.
    const std::uint64_t count = std::stoull(message);
    if ((length == 4 || length == 8) && payload.size() >= 4) {
      const auto* p = reinterpret_cast<const std::uint8_t*>(payload.data());
      if (read_frame_header(p) == count || little_endian(p) == count ||
          (length == 8 && payload.size() == 8 &&
           (read_frame_header(p + 4) == count || little_endian(p) == count))) {
        return kHintCountAsBinary;
      }
    }
    if (index + 1 < messages.size() && payload == messages[index + 1]) return kHintForgotCount;
    if (length <= 18 && payload.size() == length && !all_digits(payload)) {
      return join_hints("the count frame must hold only decimal digits, like \"" + message + "\".",
                        kHintForgotCount);
    }
  }
  if (little_endian(header) == message.size() && length != message.size()) return kHintByteOrder;
  if (length == code_points(message) && length != message.size()) return kHintCharacters;
  if (all_digits(got.substr(0, 1)) && !all_digits(expected.substr(0, 1))) {
    return kHintLengthAsText;
  }
  if (length == message.size()) {
    return payload.size() < length ? "the bytes end in the middle of the payload."
                                   : "the length is right but the text differs.";
  }
  return "";
}

// What the kit's ClientSession, the client side of the protocol that chat-client and the viewer
// run, makes of a history the server sent: a protocol error it names, and where the bytes give
// it away, the stage the server seems to run. "" when it finds nothing wrong with them.
std::string what_a_client_makes_of(std::string_view history) {
  const int stage_number = check_config().stage;
  if (stage_number < 2 || stage_number > 3) return "";
  ClientSession session(stage_number == 2 ? Stage::kHistory : Stage::kPersisted,
                        kDefaultMaxMessageBytes);
  session.on_bytes(history.data(), history.size());
  for (const ClientEvent& event : session.take_events()) {
    if (event.kind != ClientEvent::Kind::kFailed) continue;
    const std::string remedy = event.failure.sign == StageSign::kNone
                                   ? ""
                                   : ": this check is stage " + std::to_string(stage_number) + "'s";
    return "A client of stage " + std::to_string(stage_number) +
           " (chat-client) would stop here: " + event.failure.describe(remedy);
  }
  return "";
}

// The recognisers of explain_frames(), which know the bytes that were expected.
std::string explain_by_expected_bytes(const std::vector<std::string>& messages, bool first_is_count,
                                      std::string_view got, std::size_t* frame_index) {
  std::size_t position = 0;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const std::string frame = encode_frame(messages[i]);
    if (got.substr(position, frame.size()) == frame) {
      position += frame.size();
      continue;
    }
    if (frame_index != nullptr) *frame_index = i;
    return explain_one(messages, i, first_is_count && i == 0, got.substr(position));
  }
  if (frame_index != nullptr) *frame_index = messages.size();
  return position < got.size() ? "more bytes came after the last expected frame." : "";
}

}  // namespace

std::string explain_frames(const std::vector<std::string>& messages, bool first_is_count,
                           std::string_view got, std::size_t* frame_index) {
  const std::string hint = explain_by_expected_bytes(messages, first_is_count, got, frame_index);
  // A history: what a client of the stage makes of the same bytes, as chat-client and the viewer
  // would say it, comes after the recognisers' hint.
  return first_is_count ? join_hints(hint, what_a_client_makes_of(got)) : hint;
}

}  // namespace chatkit::exercises
