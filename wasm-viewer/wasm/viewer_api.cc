#include "wasm-viewer/wasm/viewer_api.h"

#include <emscripten/emscripten.h>

#include <cassert>
#include <new>
#include <string_view>
#include <utility>
#include <vector>

#include "kit/framing/utf8.h"
#include "kit/protocol/client_session.h"
#include "kit/protocol/post.h"
#include "kit/protocol/stage.h"

// EMSCRIPTEN_KEEPALIVE on each definition keeps it (and its export) through the linker's dead
// code elimination; the names are listed once more in CMakeLists.txt's EXPORTED_FUNCTIONS so
// that a renamed function fails the link instead of vanishing from the module.
using chatkit::ClientError;
using chatkit::ClientEvent;
using chatkit::ClientPhase;
using chatkit::ClientSession;
using chatkit::FrameDecoder;

struct CkClient {
  CkClient(chatkit::Stage stage, std::uint32_t max_message_bytes)
      : session(stage, max_message_bytes) {}
  ClientSession session;
  std::vector<ClientEvent> taken;  // What ck_client_take_events() took last.
};

namespace {

// The values that codec.js hard-codes; a reordered enum must fail the build, not the page.
static_assert(static_cast<int>(FrameDecoder::State::kReadingLength) == 0);
static_assert(static_cast<int>(FrameDecoder::State::kReadingPayload) == 1);
static_assert(static_cast<int>(FrameDecoder::State::kFrameDone) == 2);
static_assert(static_cast<int>(FrameDecoder::State::kFailed) == 3);
static_assert(static_cast<int>(chatkit::FrameError::kNone) == 0);
static_assert(static_cast<int>(chatkit::FrameError::kTooLong) == 1);
static_assert(static_cast<int>(chatkit::FrameError::kInvalidUtf8) == 2);
// The values conversation.js hard-codes for the client session.
static_assert(static_cast<int>(ClientPhase::kAwaitingCount) == 0);
static_assert(static_cast<int>(ClientPhase::kReadyToSend) == 2);
static_assert(static_cast<int>(ClientPhase::kFailed) == 6);
static_assert(static_cast<int>(ClientEvent::Kind::kCount) == 0);
static_assert(static_cast<int>(ClientEvent::Kind::kFailed) == 5);
static_assert(static_cast<int>(ClientError::kCountNotDecimal) == 1);
static_assert(static_cast<int>(ClientError::kConnectionLost) == 13);
// The page reads offsets as 32-bit values.
static_assert(sizeof(std::size_t) == 4 && sizeof(void*) == 4, "built for wasm32");

std::uint32_t offset_in(std::string_view whole, std::string_view part) {
  return static_cast<std::uint32_t>(part.data() - whole.data());
}

// The event at `index`, or a default one (kind ended, no text) when out of range.
const ClientEvent& event_at(const CkClient* client, int index) {
  static const ClientEvent kNoEvent;
  if (index < 0 || static_cast<std::size_t>(index) >= client->taken.size()) return kNoEvent;
  return client->taken[static_cast<std::size_t>(index)];
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE FrameDecoder* ck_decoder_new(std::uint32_t max_message_bytes) {
  return new (std::nothrow) FrameDecoder(max_message_bytes);
}

EMSCRIPTEN_KEEPALIVE void ck_decoder_delete(FrameDecoder* decoder) {
  delete decoder;
}

EMSCRIPTEN_KEEPALIVE std::size_t ck_decoder_feed(FrameDecoder* decoder, const std::uint8_t* data,
                                                 std::size_t size) {
  assert(decoder != nullptr);
  return decoder->feed(data, size);
}

EMSCRIPTEN_KEEPALIVE void ck_decoder_reset(FrameDecoder* decoder) {
  decoder->reset();
}

EMSCRIPTEN_KEEPALIVE int ck_decoder_state(const FrameDecoder* decoder) {
  return static_cast<int>(decoder->state());
}

EMSCRIPTEN_KEEPALIVE int ck_decoder_error(const FrameDecoder* decoder) {
  return static_cast<int>(decoder->error());
}

EMSCRIPTEN_KEEPALIVE const char* ck_decoder_error_text(const FrameDecoder* decoder) {
  return decoder->error_text().c_str();
}

EMSCRIPTEN_KEEPALIVE std::size_t ck_decoder_length_bytes_read(const FrameDecoder* decoder) {
  return decoder->length_bytes_read();
}

EMSCRIPTEN_KEEPALIVE const std::uint8_t* ck_decoder_length_bytes(const FrameDecoder* decoder) {
  return decoder->length_bytes();
}

EMSCRIPTEN_KEEPALIVE std::uint32_t ck_decoder_payload_length(const FrameDecoder* decoder) {
  return decoder->payload_length();
}

EMSCRIPTEN_KEEPALIVE std::size_t ck_decoder_payload_bytes_read(const FrameDecoder* decoder) {
  return decoder->payload_bytes_read();
}

EMSCRIPTEN_KEEPALIVE std::uint32_t ck_decoder_max_message_bytes(const FrameDecoder* decoder) {
  return decoder->max_message_bytes();
}

EMSCRIPTEN_KEEPALIVE const char* ck_decoder_message_data(const FrameDecoder* decoder) {
  return decoder->message().data();
}

EMSCRIPTEN_KEEPALIVE std::size_t ck_decoder_message_size(const FrameDecoder* decoder) {
  return decoder->message().size();
}

EMSCRIPTEN_KEEPALIVE double ck_decoder_frames_decoded(const FrameDecoder* decoder) {
  return static_cast<double>(decoder->frames_decoded());
}

EMSCRIPTEN_KEEPALIVE const char* ck_state_name(int state) {
  if (state < 0 || state > static_cast<int>(FrameDecoder::State::kFailed)) return "unknown";
  return chatkit::to_string(static_cast<FrameDecoder::State>(state));
}

EMSCRIPTEN_KEEPALIVE std::string* ck_encode_frame(const char* message, std::size_t size) {
  auto* frame = new (std::nothrow) std::string;
  if (frame != nullptr) chatkit::append_frame(std::string_view(message, size), *frame);
  return frame;
}

EMSCRIPTEN_KEEPALIVE const std::uint8_t* ck_bytes_data(const std::string* bytes) {
  return reinterpret_cast<const std::uint8_t*>(bytes->data());
}

EMSCRIPTEN_KEEPALIVE std::size_t ck_bytes_size(const std::string* bytes) {
  return bytes->size();
}

EMSCRIPTEN_KEEPALIVE void ck_bytes_delete(std::string* bytes) {
  delete bytes;
}

EMSCRIPTEN_KEEPALIVE std::ptrdiff_t ck_utf8_error_offset(const std::uint8_t* data,
                                                         std::size_t size) {
  const chatkit::Utf8Check check = chatkit::check_utf8(data, size);
  return check.valid ? -1 : static_cast<std::ptrdiff_t>(check.error_offset);
}

EMSCRIPTEN_KEEPALIVE double ck_parse_count(const char* text, std::size_t size) {
  const auto count = chatkit::parse_count(std::string_view(text, size));
  return count ? static_cast<double>(*count) : -1.0;
}

EMSCRIPTEN_KEEPALIVE int ck_parse_post(const char* post, std::size_t size,
                                       std::uint32_t* parts_out) {
  const std::string_view whole(post, size);
  const auto parts = chatkit::parse_post(whole);
  if (!parts) return 0;
  parts_out[0] = offset_in(whole, parts->time);
  parts_out[1] = static_cast<std::uint32_t>(parts->time.size());
  parts_out[2] = offset_in(whole, parts->host);
  parts_out[3] = static_cast<std::uint32_t>(parts->host.size());
  parts_out[4] = offset_in(whole, parts->message);
  parts_out[5] = static_cast<std::uint32_t>(parts->message.size());
  return 1;
}

EMSCRIPTEN_KEEPALIVE CkClient* ck_client_new(int stage, std::uint32_t max_message_bytes) {
  const auto known = chatkit::stage_from_number(stage);
  if (!known) return nullptr;
  return new (std::nothrow) CkClient(*known, max_message_bytes);
}

EMSCRIPTEN_KEEPALIVE void ck_client_delete(CkClient* client) {
  delete client;
}

EMSCRIPTEN_KEEPALIVE void ck_client_feed(CkClient* client, const std::uint8_t* data,
                                         std::size_t size) {
  client->session.on_bytes(reinterpret_cast<const char*>(data), size);
}

EMSCRIPTEN_KEEPALIVE void ck_client_peer_closed(CkClient* client) {
  client->session.on_peer_closed();
}

EMSCRIPTEN_KEEPALIVE void ck_client_connection_lost(CkClient* client, const char* reason,
                                                    std::size_t size) {
  client->session.on_connection_lost(std::string_view(reason, size));
}

EMSCRIPTEN_KEEPALIVE void ck_client_timeout(CkClient* client, const char* waited,
                                            std::size_t size) {
  client->session.on_timeout(std::string_view(waited, size));
}

EMSCRIPTEN_KEEPALIVE std::string* ck_client_send_message(CkClient* client, const char* message,
                                                         std::size_t size) {
  // The session asserts its precondition; the page gets a quiet refusal instead of an abort.
  if (client->session.phase() != ClientPhase::kReadyToSend) return nullptr;
  auto frame = client->session.send_message(std::string_view(message, size));
  if (!frame) return nullptr;
  return new (std::nothrow) std::string(std::move(*frame));
}

EMSCRIPTEN_KEEPALIVE void ck_client_send_nothing(CkClient* client) {
  if (client->session.phase() == ClientPhase::kReadyToSend) client->session.send_nothing();
}

EMSCRIPTEN_KEEPALIVE int ck_client_phase(const CkClient* client) {
  return static_cast<int>(client->session.phase());
}

EMSCRIPTEN_KEEPALIVE const char* ck_client_phase_name(int phase) {
  if (phase < 0 || phase > static_cast<int>(ClientPhase::kFailed)) return "unknown";
  return chatkit::to_string(static_cast<ClientPhase>(phase));
}

EMSCRIPTEN_KEEPALIVE double ck_client_bytes_received(const CkClient* client) {
  return static_cast<double>(client->session.bytes_received());
}

EMSCRIPTEN_KEEPALIVE int ck_client_take_events(CkClient* client) {
  client->taken = client->session.take_events();
  return static_cast<int>(client->taken.size());
}

EMSCRIPTEN_KEEPALIVE int ck_client_event_kind(const CkClient* client, int index) {
  return static_cast<int>(event_at(client, index).kind);
}

EMSCRIPTEN_KEEPALIVE int ck_client_event_history(const CkClient* client, int index) {
  return event_at(client, index).history;
}

EMSCRIPTEN_KEEPALIVE double ck_client_event_count(const CkClient* client, int index) {
  return static_cast<double>(event_at(client, index).count);
}

EMSCRIPTEN_KEEPALIVE double ck_client_event_number(const CkClient* client, int index) {
  return static_cast<double>(event_at(client, index).number);
}

EMSCRIPTEN_KEEPALIVE double ck_client_event_frame(const CkClient* client, int index) {
  return static_cast<double>(event_at(client, index).frame);
}

EMSCRIPTEN_KEEPALIVE const char* ck_client_event_text_data(const CkClient* client, int index) {
  return event_at(client, index).text.data();
}

EMSCRIPTEN_KEEPALIVE std::size_t ck_client_event_text_size(const CkClient* client, int index) {
  return event_at(client, index).text.size();
}

EMSCRIPTEN_KEEPALIVE int ck_client_event_error(const CkClient* client, int index) {
  return static_cast<int>(event_at(client, index).failure.error);
}

EMSCRIPTEN_KEEPALIVE const char* ck_client_error_name(int error) {
  if (error < 0 || error > static_cast<int>(ClientError::kConnectionLost)) return "unknown";
  return chatkit::to_string(static_cast<ClientError>(error));
}

EMSCRIPTEN_KEEPALIVE int ck_client_event_failed_phase(const CkClient* client, int index) {
  return static_cast<int>(event_at(client, index).failure.phase);
}

EMSCRIPTEN_KEEPALIVE int ck_client_event_seems_stage(const CkClient* client, int index) {
  return chatkit::seems_to_run(event_at(client, index).failure.sign);
}

EMSCRIPTEN_KEEPALIVE const char* ck_client_event_headline_data(const CkClient* client, int index) {
  return event_at(client, index).failure.headline.data();
}

EMSCRIPTEN_KEEPALIVE std::size_t ck_client_event_headline_size(const CkClient* client, int index) {
  return event_at(client, index).failure.headline.size();
}

EMSCRIPTEN_KEEPALIVE const char* ck_client_event_details_data(const CkClient* client, int index) {
  return event_at(client, index).failure.details.data();
}

EMSCRIPTEN_KEEPALIVE std::size_t ck_client_event_details_size(const CkClient* client, int index) {
  return event_at(client, index).failure.details.size();
}

}  // extern "C"
