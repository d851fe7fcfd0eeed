#include "kit/diagnostics/mistake_hints.h"

namespace chatkit {

// The texts the exercise checks have always shown (their tests check them word for word).
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

// The texts the class view added (issue 15).
const char* const kHintCutShort =
    "the connection ended in the middle of a frame. A sender must keep sending until every byte "
    "of the frame is out (Python: sendall; C++: loop until send has taken them all, or the kit's "
    "send_all), and close the connection only after that.";
const char* const kHintAboveLimit =
    "the 4 length bytes announce more than the limit (1 MiB unless the server says otherwise), so "
    "the server refuses the frame before reading its payload. Check that the length is the "
    "number of payload bytes, written as 4 bytes, big-endian.";
const char* const kHintInvalidUtf8 =
    "the payload is not well-formed UTF-8. Encode the text to UTF-8 before sending it (Python: "
    "text.encode(\"utf-8\")), and send exactly the bytes the length counts: a length that cuts "
    "a character in half leaves its first byte without the rest.";
const char* const kHintExtraFrames =
    "a client sends exactly one frame per connection, then nothing: the server reads that one "
    "frame and ignores every byte after it. Open a new connection for each message.";
const char* const kHintNeverClosed =
    "a stage-1 client closes the connection once its frame is sent (C++: conn.close(); Python: "
    "s.close()); the server waited for the end of the connection until its idle timeout.";
const char* const kHintSilent =
    "the program connected and then sent nothing until the server's idle timeout closed the "
    "connection. Send the frame right after connecting (stage 1), or after reading the history "
    "(stages 2 and 3).";
const char* const kHintNonDigitCount =
    "the count frame must hold only decimal digits: 3 items is the message \"3\", the frame "
    "00 00 00 01 33; no sign, space, newline or other text around the digits.";
const char* const kHintMissingItems =
    "the count announced more history items than came before the connection ended. Send every "
    "item the count announces, one frame each, before closing the connection.";

}  // namespace chatkit
