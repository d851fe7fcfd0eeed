#include "server/class_view/feed_messages.h"

#include <string_view>

#include "server/class_view/json_text.h"

namespace chatkit {
namespace {

void append_number(std::string& out, std::uint64_t value) {
  out += std::to_string(value);
}

// `,"in_from":N,"in":"<base64>"` for one direction.
void append_delta(std::string& out, const char* name, const KeptBytes& bytes, std::size_t from,
                  bool pending) {
  if (from > bytes.kept.size()) from = bytes.kept.size();
  out += ",\"";
  out += name;
  out += "_from\":";
  append_number(out, from);
  out += ",\"";
  out += name;
  out += "\":\"";
  if (!pending) append_base64(out, std::string_view(bytes.kept).substr(from));
  out += '"';
}

}  // namespace

void append_connection(std::string& out, const ConnectionRecord& record, ConnBytes bytes,
                       const std::optional<DiagnosisText>& diagnosis) {
  out += "{\"id\":";
  append_number(out, record.id);
  out += ",\"peer\":";
  append_json_string(out, record.peer);
  out += ",\"opened\":";
  out += std::to_string(record.opened_ms);
  out += ",\"closed\":";
  out += record.closed_ms < 0 ? "null" : std::to_string(record.closed_ms);
  out += ",\"end\":";
  if (record.end) {
    append_json_string(out, connection_end_name(*record.end));
  } else {
    out += "null";
  }
  out += ",\"in_total\":";
  append_number(out, record.in.total);
  out += ",\"out_total\":";
  append_number(out, record.out.total);
  out += ",\"in_kept\":";
  append_number(out, record.in.kept.size());
  out += ",\"out_kept\":";
  append_number(out, record.out.kept.size());
  append_delta(out, "in", record.in, bytes.in_from, bytes.bytes_pending);
  append_delta(out, "out", record.out, bytes.out_from, bytes.bytes_pending);
  out += ",\"bytes_pending\":";
  out += bytes.bytes_pending ? "true" : "false";
  out += ",\"posts\":[";
  for (std::size_t i = 0; i < record.posts.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, record.posts[i]);
  }
  out += "],\"diagnosis\":";
  if (diagnosis && !diagnosis->mistake.empty()) {
    out += "{\"mistake\":";
    append_json_string(out, diagnosis->mistake);
    out += ",\"what\":";
    append_json_string(out, diagnosis->what);
    out += ",\"hint\":";
    append_json_string(out, diagnosis->hint);
    out += '}';
  } else {
    out += "null";
  }
  out += ",\"error\":";
  if (record.error.empty()) {
    out += "null";
  } else {
    append_json_string(out, record.error);
  }
  out += '}';
}

std::string hello_head(Stage stage, const std::string& chat_address, std::size_t max_connections,
                       std::size_t max_bytes, std::uint32_t max_message_bytes) {
  std::string out = "{\"type\":\"hello\",\"stage\":";
  append_number(out, static_cast<std::uint64_t>(stage_number(stage)));
  out += ",\"chat\":";
  append_json_string(out, chat_address);
  out += ",\"max_connections\":";
  append_number(out, max_connections);
  out += ",\"max_bytes\":";
  append_number(out, max_bytes);
  out += ",\"max_message_bytes\":";
  append_number(out, max_message_bytes);
  out += ",\"connections\":[";
  return out;
}

std::string update_head() {
  return "{\"type\":\"update\",\"connections\":[";
}

std::string dropped_message(const std::vector<std::uint64_t>& ids) {
  std::string out = "{\"type\":\"dropped\",\"ids\":[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    append_number(out, ids[i]);
  }
  out += "]}";
  return out;
}

std::string bytes_message(const ConnectionRecord& record) {
  std::string out = "{\"type\":\"bytes\",\"id\":";
  append_number(out, record.id);
  out.reserve(out.size() + base64_size(record.in.kept.size()) +
              base64_size(record.out.kept.size()) + 32);
  out += ",\"in\":\"";
  append_base64(out, record.in.kept);
  out += "\",\"out\":\"";
  append_base64(out, record.out.kept);
  out += "\"}";
  return out;
}

}  // namespace chatkit
