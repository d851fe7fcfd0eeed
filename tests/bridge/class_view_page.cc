#include "tests/bridge/class_view_page.h"

#include <chrono>

namespace chatkit::testing {
namespace {

using Clock = std::chrono::steady_clock;

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string PageConnection::end() const {
  return conn.contains("end") && conn["end"].is_string() ? conn["end"].get<std::string>() : "";
}

std::string PageConnection::mistake() const {
  if (!conn.contains("diagnosis") || !conn["diagnosis"].is_object()) return "";
  return conn["diagnosis"].value("mistake", "");
}

std::optional<std::string> decode_base64(const std::string& text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      const char c = text[i + j];
      if (c == '=' && i + 4 == text.size() && j >= 2) {
        v[j] = 0;
        ++pad;
      } else {
        v[j] = base64_value(c);
        if (v[j] < 0 || pad > 0) return std::nullopt;
      }
    }
    const unsigned group = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out += static_cast<char>(group >> 16);
    if (pad < 2) out += static_cast<char>((group >> 8) & 0xFF);
    if (pad < 1) out += static_cast<char>(group & 0xFF);
  }
  return out;
}

ClassPage::ClassPage(TestLoop& loop, std::uint32_t seed) : ws_(loop, seed) {}

bool ClassPage::open(int port, const std::string& token) {
  if (!ws_.connect(port)) return false;
  const std::string path = token.empty() ? "/class/ws" : "/class/ws?token=" + token;
  const std::optional<HttpReply> reply = ws_.request(ws_.upgrade_request(port, path));
  if (!reply || reply->status != 101) {
    problems_.push_back("no 101 for " + path + ": " + (reply ? reply->head + reply->body : ""));
    return false;
  }
  if (!read_one(kStepTimeout)) return false;
  if (hello_.is_null()) problems_.push_back("the first message was not a hello");
  return !hello_.is_null();
}

bool ClassPage::read_one(milliseconds timeout) {
  const std::optional<WsFrame> frame = ws_.read_frame(timeout);
  if (!frame) return false;
  if (frame->opcode != kWsText) {
    last_messages_.push_back(frame->describe());
    return false;
  }
  last_messages_.push_back(frame->payload.substr(0, 600));
  if (last_messages_.size() > 8) last_messages_.erase(last_messages_.begin());
  nlohmann::json message = nlohmann::json::parse(frame->payload, nullptr, false);
  if (message.is_discarded()) {
    problems_.push_back("not JSON: " + frame->payload.substr(0, 200));
    return true;
  }
  apply(message);
  return true;
}

bool ClassPage::wait_until(const std::function<bool()>& done, milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  while (!done()) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (left.count() <= 0 || !read_one(left)) return done();
  }
  return true;
}

bool ClassPage::wait_for_end(std::uint64_t id, milliseconds timeout) {
  return wait_until(
      [&] {
        const PageConnection* c = find(id);
        return c != nullptr && !c->end().empty();
      },
      timeout);
}

std::optional<nlohmann::json> ClassPage::ask_bytes(std::uint64_t id) {
  const std::size_t before = bytes_answers_.size();
  if (!ws_.send_frame(kWsText, "{\"type\":\"bytes\",\"id\":" + std::to_string(id) + "}")) {
    return std::nullopt;
  }
  if (!wait_until([&] { return bytes_answers_.size() > before; })) return std::nullopt;
  return bytes_answers_.back();
}

const PageConnection* ClassPage::find(std::uint64_t id) const {
  const auto found = connections_.find(id);
  return found == connections_.end() ? nullptr : &found->second;
}

void ClassPage::apply(const nlohmann::json& message) {
  const std::string type = message.value("type", "");
  if (type == "hello" || type == "update") {
    if (type == "hello") hello_ = message;
    if (type == "update") ++updates_;
    for (const nlohmann::json& conn : message.value("connections", nlohmann::json::array())) {
      apply_connection(conn);
    }
  } else if (type == "dropped") {
    for (const nlohmann::json& id : message["ids"]) {
      const auto key = id.get<std::uint64_t>();
      if (connections_.erase(key) == 0) problems_.push_back("dropped unknown id " + id.dump());
      dropped_.push_back(key);
    }
  } else if (type == "bytes") {
    bytes_answers_.push_back(message);
    const auto found = connections_.find(message["id"].get<std::uint64_t>());
    if (found != connections_.end()) {
      found->second.in = decode_base64(message["in"].get<std::string>()).value_or("");
      found->second.out = decode_base64(message["out"].get<std::string>()).value_or("");
    }
  } else {
    problems_.push_back("unknown message type " + message.dump().substr(0, 200));
  }
}

void ClassPage::apply_connection(const nlohmann::json& conn) {
  const auto id = conn["id"].get<std::uint64_t>();
  PageConnection& known = connections_[id];
  known.conn = conn;
  for (const char* way : {"in", "out"}) {
    std::string& bytes = std::string(way) == "in" ? known.in : known.out;
    const auto from = conn[std::string(way) + "_from"].get<std::size_t>();
    const std::optional<std::string> delta = decode_base64(conn[way].get<std::string>());
    if (!delta) {
      problems_.push_back("connection " + std::to_string(id) + ": " + way + " is not base64");
      continue;
    }
    if (from != bytes.size()) {
      problems_.push_back("connection " + std::to_string(id) + ": " + way + "_from " +
                          std::to_string(from) + " but the page has " +
                          std::to_string(bytes.size()) + " bytes");
      bytes.resize(std::min(from, bytes.size()));
    }
    bytes += *delta;
    const auto kept = conn[std::string(way) + "_kept"].get<std::size_t>();
    if (!known.pending() && bytes.size() != kept) {
      problems_.push_back("connection " + std::to_string(id) + ": " + way + "_kept " +
                          std::to_string(kept) + " but the page has " +
                          std::to_string(bytes.size()) + " bytes");
    }
  }
}

std::string ClassPage::describe() const {
  std::string text = ws_.describe() + "last feed messages:\n";
  for (const std::string& message : last_messages_) text += "  " + message + "\n";
  for (const std::string& problem : problems_) text += "problem: " + problem + "\n";
  return text;
}

}  // namespace chatkit::testing
