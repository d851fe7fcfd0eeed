#include "harness/test_client.h"

#include <ostream>

#include "harness/buffered_socket.h"

namespace chatkit::testing {

const char* to_string(PeerClose close) {
  switch (close) {
    case PeerClose::kOpen:
      return "open";
    case PeerClose::kEof:
      return "EOF";
    case PeerClose::kReset:
      return "reset";
  }
  return "?";
}

std::ostream& operator<<(std::ostream& out, PeerClose close) {
  return out << to_string(close);
}

TestClient::TestClient(TestLoop& loop)
    : socket_(std::make_unique<BufferedSocket>(loop, "TestClient")) {}

TestClient::~TestClient() = default;

bool TestClient::connect(const std::string& host, int port, milliseconds timeout) {
  return socket_->connect(host, port, timeout);
}

bool TestClient::send(std::string_view bytes, milliseconds timeout) {
  return socket_->send(bytes, timeout);
}

bool TestClient::send_frame(std::string_view message, milliseconds timeout) {
  return socket_->send(encode_frame(message), timeout);
}

bool TestClient::shutdown_write(milliseconds timeout) {
  return socket_->shutdown_write(timeout);
}

void TestClient::reset() {
  socket_->reset();
}

void TestClient::close() {
  socket_->close();
}

std::optional<std::string> TestClient::read_frame(milliseconds timeout,
                                                  std::uint32_t max_message_bytes) {
  return socket_->read_frame(timeout, max_message_bytes);
}

std::optional<std::string> TestClient::read_exact(std::size_t count, milliseconds timeout) {
  return socket_->read_exact(count, timeout);
}

void TestClient::pause_reading() {
  socket_->pause_reading();
}

PeerClose TestClient::read_until_close(std::string* bytes, milliseconds timeout) {
  return socket_->read_until_close(bytes, timeout);
}

std::string TestClient::read_available(milliseconds duration) {
  return socket_->read_available(duration);
}

PeerClose TestClient::peer_close() const {
  return socket_->peer_close();
}

bool TestClient::connected() const {
  return socket_->connected();
}

const std::string& TestClient::received_total() const {
  return socket_->received_total();
}

const std::string& TestClient::last_error() const {
  return socket_->last_error();
}

}  // namespace chatkit::testing
