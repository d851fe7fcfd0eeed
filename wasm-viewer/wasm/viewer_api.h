// The C interface through which the viewer page's JavaScript drives the kit's framing code and
// the client side of the protocol (ClientSession), compiled to WebAssembly (chatkit_wasm.js +
// chatkit_wasm.wasm).
//
// Why a C interface and not embind: embind's glue builds its invokers with `new Function`, which
// the bridge's Content-Security-Policy (script-src 'self' 'wasm-unsafe-eval') forbids. Plain
// exported functions need no eval; www/codec.js wraps them in JavaScript classes.
//
// Conventions, for every function below:
// - Pointers are offsets into the module's linear memory (HEAPU8). Input bytes are copied there
//   by the caller (with the exported malloc/free) and stay owned by the caller.
// - A pointer returned into memory this interface owns (length bytes, message, error text,
//   encoded frame) stays valid until the next call that changes the object it came from; the
//   caller copies the bytes out before calling again. Memory may grow on any call, so the caller
//   re-reads HEAPU8 after each call rather than keeping a view across calls.
// - size_t and uint32_t arrive in JavaScript as signed 32-bit numbers; the caller applies `>>> 0`.
// - Nothing here does I/O, keeps global state or can throw: the kit's framing code does not.
#ifndef CHATKIT_WASM_VIEWER_WASM_VIEWER_API_H_
#define CHATKIT_WASM_VIEWER_WASM_VIEWER_API_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "kit/framing/frame_codec.h"

// A ClientSession with the events last taken from it (viewer_api.cc).
struct CkClient;

extern "C" {

// --- FrameDecoder ---------------------------------------------------------------------------
// A new decoder with the given payload limit. The caller owns it and frees it with
// ck_decoder_delete(). Returns nullptr only when memory is exhausted.
chatkit::FrameDecoder* ck_decoder_new(std::uint32_t max_message_bytes);
void ck_decoder_delete(chatkit::FrameDecoder* decoder);

// FrameDecoder::feed(): consumes bytes up to the end of the next frame and returns how many.
// When the frame completes inside `data`, ck_decoder_message_data() may point into `data`: copy
// the message out before freeing `data`.
std::size_t ck_decoder_feed(chatkit::FrameDecoder* decoder, const std::uint8_t* data,
                            std::size_t size);
void ck_decoder_reset(chatkit::FrameDecoder* decoder);

// The decoder's state as FrameDecoder::State's value: 0 reading length, 1 reading payload,
// 2 frame done, 3 failed; ck_state_name() gives the kit's name for each.
int ck_decoder_state(const chatkit::FrameDecoder* decoder);
// FrameError's value: 0 none, 1 too long, 2 invalid UTF-8.
int ck_decoder_error(const chatkit::FrameDecoder* decoder);
// The failure as a sentence, NUL-terminated; "" unless the state is failed.
const char* ck_decoder_error_text(const chatkit::FrameDecoder* decoder);
std::size_t ck_decoder_length_bytes_read(const chatkit::FrameDecoder* decoder);
// The 4-byte length-prefix buffer; its first ck_decoder_length_bytes_read() bytes are valid.
const std::uint8_t* ck_decoder_length_bytes(const chatkit::FrameDecoder* decoder);
std::uint32_t ck_decoder_payload_length(const chatkit::FrameDecoder* decoder);
std::size_t ck_decoder_payload_bytes_read(const chatkit::FrameDecoder* decoder);
std::uint32_t ck_decoder_max_message_bytes(const chatkit::FrameDecoder* decoder);
// The completed message (state frame done); size 0 otherwise.
const char* ck_decoder_message_data(const chatkit::FrameDecoder* decoder);
std::size_t ck_decoder_message_size(const chatkit::FrameDecoder* decoder);
// frames_decoded() as a double: exact up to 2^53 frames.
double ck_decoder_frames_decoded(const chatkit::FrameDecoder* decoder);

// to_string(FrameDecoder::State): "reading length", ...; "unknown" for a value out of range.
const char* ck_state_name(int state);

// --- Encoding --------------------------------------------------------------------------------
// encode_frame(): the frame for `size` message bytes at `message`, in a new byte string that the
// caller owns and frees with ck_bytes_delete(). The caller keeps `size` below 4 GiB.
std::string* ck_encode_frame(const char* message, std::size_t size);
const std::uint8_t* ck_bytes_data(const std::string* bytes);
std::size_t ck_bytes_size(const std::string* bytes);
void ck_bytes_delete(std::string* bytes);

// --- UTF-8 and protocol text -----------------------------------------------------------------
// check_utf8(): -1 when `data[0..size)` is well-formed UTF-8, otherwise the offset of the first
// byte of the first ill-formed sequence.
std::ptrdiff_t ck_utf8_error_offset(const std::uint8_t* data, std::size_t size);

// parse_count() of a history count frame's text: the count, exact up to 2^53, or -1 when the
// text is not a count (not decimal ASCII digits, empty, more than 18 digits).
double ck_parse_count(const char* text, std::size_t size);

// parse_post() of a stage-3 post. On success writes six offsets/sizes relative to `post` to
// `parts_out`: time offset, time size, host offset, host size, message offset, message size;
// returns 1. Returns 0 (and leaves `parts_out` alone) when the text is not a post.
int ck_parse_post(const char* post, std::size_t size, std::uint32_t* parts_out);

// --- ClientSession ---------------------------------------------------------------------------
// The client side of a conversation (kit/protocol/client_session.h): the page feeds it the
// server's bytes and the end of the connection, and reads back what they mean. The page's
// conversation.js makes no protocol decision of its own.
//
// A new session for stage 1, 2 or 3 accepting server frames of up to `max_message_bytes`; the
// caller frees it with ck_client_delete(). nullptr for another stage or when memory is exhausted.
CkClient* ck_client_new(int stage, std::uint32_t max_message_bytes);
void ck_client_delete(CkClient* client);

// ClientSession::on_bytes(), on_peer_closed(), on_connection_lost(reason), on_timeout(waited).
// Text arguments are `size` UTF-8 bytes, not NUL-terminated.
void ck_client_feed(CkClient* client, const std::uint8_t* data, std::size_t size);
void ck_client_peer_closed(CkClient* client);
void ck_client_connection_lost(CkClient* client, const char* reason, std::size_t size);
void ck_client_timeout(CkClient* client, const char* waited, std::size_t size);

// ClientSession::send_message(): the frame to send, in a new byte string that the caller frees
// with ck_bytes_delete(); nullptr when the session refused the message (a failed event says why)
// or when it is not the client's turn (the phase is not ready to send; nothing changes then).
std::string* ck_client_send_message(CkClient* client, const char* message, std::size_t size);
// ClientSession::send_nothing(); nothing happens unless the phase is ready to send.
void ck_client_send_nothing(CkClient* client);

// ClientPhase's value: 0 awaiting count, 1 reading items, 2 ready to send, 3 awaiting
// acknowledgement, 4 awaiting close, 5 ended, 6 failed; ck_client_phase_name() gives the kit's
// name ("unknown" out of range).
int ck_client_phase(const CkClient* client);
const char* ck_client_phase_name(int phase);
double ck_client_bytes_received(const CkClient* client);

// Takes the events queued since the last call and returns how many there are; they stay readable
// by index (0 = oldest) until the next call. An index out of range reads as 0 and "".
int ck_client_take_events(CkClient* client);
// ClientEvent::Kind's value: 0 count, 1 item, 2 history complete, 3 acknowledged, 4 ended,
// 5 failed.
int ck_client_event_kind(const CkClient* client, int index);
int ck_client_event_history(const CkClient* client, int index);
// count, number and frame as doubles: exact up to 2^53; frame is -1 for no one frame.
double ck_client_event_count(const CkClient* client, int index);
double ck_client_event_number(const CkClient* client, int index);
double ck_client_event_frame(const CkClient* client, int index);
// The item or the acknowledgement's text (UTF-8; it may hold NUL bytes, hence the size).
const char* ck_client_event_text_data(const CkClient* client, int index);
std::size_t ck_client_event_text_size(const CkClient* client, int index);
// For a failed event: ClientError's value (1 count not decimal, 2 empty item, 3 frame too long,
// 4 invalid UTF-8, 5 truncated frame, 6 bytes after the end, 7 closed early, 8 not
// acknowledged, 9 unexpected reply, 10 no count, 11 timed out, 12 history not sent, 13
// connection lost) and its name; the phase it failed in; the stage the server seems to run (0:
// no sign); the headline and the details (data and size, UTF-8).
int ck_client_event_error(const CkClient* client, int index);
const char* ck_client_error_name(int error);
int ck_client_event_failed_phase(const CkClient* client, int index);
int ck_client_event_seems_stage(const CkClient* client, int index);
const char* ck_client_event_headline_data(const CkClient* client, int index);
std::size_t ck_client_event_headline_size(const CkClient* client, int index);
const char* ck_client_event_details_data(const CkClient* client, int index);
std::size_t ck_client_event_details_size(const CkClient* client, int index);

}  // extern "C"

#endif  // CHATKIT_WASM_VIEWER_WASM_VIEWER_API_H_
