#include "tests/reliability/reliability_support.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <memory>

#include "harness/temp_dir.h"
#include "kit/protocol/post.h"
#include "kit/protocol/stage.h"

namespace chatkit::testing {
namespace {

struct Database {
  sqlite3* db = nullptr;
  ~Database() { sqlite3_close_v2(db); }
};

std::string sqlite_failure(const std::string& step, sqlite3* db) {
  return step + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory");
}

}  // namespace

long long env_number(const char* name, long long fallback) {
  char value[64];
  std::size_t size = sizeof value;
  if (uv_os_getenv(name, value, &size) != 0) return fallback;
  char* end = nullptr;
  const long long number = std::strtoll(value, &end, 10);
  return (end == value || *end != '\0') ? fallback : number;
}

std::uint64_t seed_from_env(const char* name) {
  char value[64];
  std::size_t size = sizeof value;
  if (uv_os_getenv(name, value, &size) == 0) return std::strtoull(value, nullptr, 10);
  std::uint64_t seed = 0;
  if (uv_random(nullptr, nullptr, &seed, sizeof seed, 0, nullptr) != 0) seed = uv_hrtime();
  return seed;
}

std::optional<std::uint64_t> resident_kib(int pid) {
  std::string status;
  if (!read_file("/proc/" + std::to_string(pid) + "/status", &status)) return std::nullopt;
  const std::size_t at = status.find("\nVmRSS:");
  if (at == std::string::npos) return std::nullopt;
  return std::strtoull(status.c_str() + at + 7, nullptr, 10);
}

std::string create_history_file(const std::string& path, const std::vector<std::string>& posts) {
  Database database;
  if (sqlite3_open_v2(path.c_str(), &database.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      nullptr) != SQLITE_OK) {
    return sqlite_failure("open", database.db);
  }
  const char* schema =
      "PRAGMA application_id = 1128811348; PRAGMA user_version = 1;"
      "PRAGMA journal_mode = WAL;"
      "CREATE TABLE posts (id INTEGER PRIMARY KEY, post TEXT NOT NULL);";
  if (sqlite3_exec(database.db, schema, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return sqlite_failure("create schema", database.db);
  }
  sqlite3_exec(database.db, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  if (sqlite3_prepare_v2(database.db, "INSERT INTO posts (post) VALUES (?1)", -1, &insert,
                         nullptr) != SQLITE_OK) {
    return sqlite_failure("prepare", database.db);
  }
  std::string error;
  for (const std::string& post : posts) {
    sqlite3_bind_text64(insert, 1, post.data(), post.size(), SQLITE_STATIC, SQLITE_UTF8);
    if (sqlite3_step(insert) != SQLITE_DONE) {
      error = sqlite_failure("insert", database.db);
      break;
    }
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  if (error.empty() &&
      sqlite3_exec(database.db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    error = sqlite_failure("commit", database.db);
  }
  return error;
}

std::optional<std::vector<std::string>> read_history_file(const std::string& path,
                                                          std::string* error) {
  Database database;
  if (sqlite3_open_v2(path.c_str(), &database.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    *error = sqlite_failure("open " + path, database.db);
    return std::nullopt;
  }
  sqlite3_stmt* select = nullptr;
  if (sqlite3_prepare_v2(database.db, "SELECT post FROM posts ORDER BY id", -1, &select, nullptr) !=
      SQLITE_OK) {
    *error = sqlite_failure("select", database.db);
    return std::nullopt;
  }
  std::vector<std::string> posts;
  int rc;
  while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(select, 0));
    posts.emplace_back(text == nullptr ? "" : text,
                       static_cast<std::size_t>(sqlite3_column_bytes(select, 0)));
  }
  sqlite3_finalize(select);
  if (rc != SQLITE_DONE) {
    *error = sqlite_failure("step", database.db);
    return std::nullopt;
  }
  return posts;
}

std::string integrity_check(const std::string& path) {
  Database database;
  if (sqlite3_open_v2(path.c_str(), &database.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    return sqlite_failure("open", database.db);
  }
  sqlite3_stmt* check = nullptr;
  if (sqlite3_prepare_v2(database.db, "PRAGMA integrity_check", -1, &check, nullptr) != SQLITE_OK) {
    return sqlite_failure("prepare", database.db);
  }
  std::string result;
  while (sqlite3_step(check) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(check, 0));
    if (!result.empty()) result += "\n";
    result += text == nullptr ? "" : text;
  }
  sqlite3_finalize(check);
  return result;
}

std::vector<std::string> served_history(TestLoop& loop, ServerUnderTest& server) {
  TestClient client(loop);
  EXPECT_TRUE(client.connect("127.0.0.1", server.port())) << client.last_error();
  std::string error;
  const auto received = read_history(client, &error);
  EXPECT_TRUE(received.has_value()) << error << "\n" << server.describe();
  return received ? received->items : std::vector<std::string>{};
}

std::size_t count_lines_with(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (std::string_view(text).substr(start, end - start).find(needle) != std::string_view::npos) {
      ++count;
    }
    start = end + 1;
  }
  return count;
}

Poster::Poster(uv_loop_t* loop, int port, std::string prefix)
    : loop_(loop), port_(port), prefix_(std::move(prefix)) {}

Poster::~Poster() {
  // The handle lives in this object: it must be closed (finished()) before the Poster goes.
  if (open_) std::abort();
}

void Poster::start() {
  if (!stopped_) return;
  stopped_ = false;
  if (!open_) begin();
}

void Poster::stop() {
  stopped_ = true;
  if (open_ && !ending_) end(false);
}

void Poster::begin() {
  message_ = prefix_ + "-" + std::to_string(next_++);
  frame_ = encode_frame(message_);
  sent_ = false;
  connected_ = false;
  ending_ = false;
  phase_ = Phase::kCount;
  items_left_ = 0;
  decoder_.reset();
  uv_tcp_init(loop_, &tcp_);
  tcp_.data = this;
  open_ = true;
  sockaddr_in address{};
  uv_ip4_addr("127.0.0.1", port_, &address);
  connect_.data = this;
  if (uv_tcp_connect(&connect_, &tcp_, reinterpret_cast<const sockaddr*>(&address), on_connect) <
      0) {
    stopped_ = true;
    end(false);
  }
}

void Poster::on_connect(uv_connect_t* req, int status) {
  auto* self = static_cast<Poster*>(req->data);
  if (status == UV_ECANCELED || self->ending_) return;
  if (status < 0) {
    // Refused: the server is gone (killed). Nothing of this message left.
    self->stopped_ = true;
    self->end(false);
    return;
  }
  self->connected_ = true;
  uv_read_start(reinterpret_cast<uv_stream_t*>(&self->tcp_), on_alloc, on_read);
  // Sent at once, before the history arrives: the server reads the client's frame while it
  // replays, and from here on the message may be stored.
  self->write_.data = self;
  uv_buf_t buf = uv_buf_init(self->frame_.data(), static_cast<unsigned>(self->frame_.size()));
  self->sent_ = true;
  if (uv_write(&self->write_, reinterpret_cast<uv_stream_t*>(&self->tcp_), &buf, 1, on_write) < 0) {
    self->end(false);
  }
}

void Poster::on_write(uv_write_t*, int) {
  // A failed write shows up as a failed read as well; the read path records the outcome.
}

void Poster::on_alloc(uv_handle_t* handle, std::size_t, uv_buf_t* buf) {
  auto* self = static_cast<Poster*>(handle->data);
  *buf = uv_buf_init(self->buffer_, sizeof self->buffer_);
}

void Poster::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<Poster*>(stream->data);
  if (self->ending_) return;
  if (nread < 0) {
    self->end(false);
    return;
  }
  const auto* data = reinterpret_cast<const std::uint8_t*>(buf->base);
  std::size_t used = 0;
  const auto size = static_cast<std::size_t>(nread);
  while (used < size && !self->ending_) {
    used += self->decoder_.feed(data + used, size - used);
    if (self->decoder_.state() == FrameDecoder::State::kFrameDone) {
      self->on_frame(self->decoder_.message());
    } else if (self->decoder_.state() == FrameDecoder::State::kFailed) {
      self->violation_ = "undecodable bytes from the server: " + self->decoder_.error_text();
      self->end(false);
    }
  }
}

void Poster::on_frame(std::string_view frame) {
  switch (phase_) {
    case Phase::kCount: {
      const auto count = parse_count(frame);
      if (!count) {
        violation_ = "count frame is not decimal text: \"" + std::string(frame) + "\"";
        end(false);
        return;
      }
      items_left_ = *count;
      phase_ = items_left_ == 0 ? Phase::kAck : Phase::kItems;
      return;
    }
    case Phase::kItems:
      if (--items_left_ == 0) phase_ = Phase::kAck;
      return;
    case Phase::kAck: {
      const auto parts = parse_post(frame);
      if (!parts || parts->message != message_) {
        violation_ =
            "acknowledgement \"" + std::string(frame) + "\" is not for \"" + message_ + "\"";
        end(false);
        return;
      }
      acknowledged_.emplace_back(frame);
      end(true);
      return;
    }
  }
}

std::string Poster::describe() const {
  std::string text = message_ + ": ";
  if (!open_) {
    text += stopped_ ? "stopped" : "between connections";
  } else if (ending_) {
    text += "closing";
  } else if (!connected_) {
    text += "connecting";
  } else {
    switch (phase_) {
      case Phase::kCount:
        text += "connected, waiting for the count";
        break;
      case Phase::kItems:
        text += "connected, reading the history (" + std::to_string(items_left_) + " items left)";
        break;
      case Phase::kAck:
        text += "connected, waiting for the acknowledgement";
        break;
    }
  }
  return text + "; " + std::to_string(acknowledged_.size()) + " acknowledged, " +
         std::to_string(in_doubt_.size()) + " in doubt";
}

void Poster::end(bool acknowledged) {
  if (ending_) return;
  ending_ = true;
  if (!acknowledged && sent_) in_doubt_.push_back(message_);
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), on_close);
}

void Poster::on_close(uv_handle_t* handle) {
  auto* self = static_cast<Poster*>(handle->data);
  self->open_ = false;
  if (!self->stopped_) self->begin();
}

}  // namespace chatkit::testing
