// The class view's feed messages, as JSON text (the protocol is documented in
// server/class_view/class_feed.h). Building them is all this file does: which connections and
// which bytes go to which page is the feed's business.
#ifndef CHATKIT_SERVER_CLASS_VIEW_FEED_MESSAGES_H_
#define CHATKIT_SERVER_CLASS_VIEW_FEED_MESSAGES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kit/protocol/stage.h"
#include "server/class_view/connection_record.h"

namespace chatkit {

// What a Conn object carries of the bytes: the kept bytes from `in_from` and `out_from` on, or
// (with `bytes_pending`) none of them.
struct ConnBytes {
  std::size_t in_from = 0;
  std::size_t out_from = 0;
  bool bytes_pending = false;
};

// Appends one Conn object for `record` ({"id":17,"peer":...}), with `diagnosis` (null when
// nullopt).
void append_connection(std::string& out, const ConnectionRecord& record, ConnBytes bytes,
                       const std::optional<DiagnosisText>& diagnosis);

// The Conn objects go between these: {"type":"hello",...,"connections":[ ... ]}.
std::string hello_head(Stage stage, const std::string& chat_address, std::size_t max_connections,
                       std::size_t max_bytes, std::uint32_t max_message_bytes);
// {"type":"update","connections":[ ... ]}.
std::string update_head();
// Closes what a head opened.
inline const char* connections_tail() {
  return "]}";
}

// {"type":"dropped","ids":[1,2]}.
std::string dropped_message(const std::vector<std::uint64_t>& ids);
// {"type":"bytes","id":N,"in":"<base64>","out":"<base64>"}: every kept byte of `record`.
std::string bytes_message(const ConnectionRecord& record);

}  // namespace chatkit

#endif  // CHATKIT_SERVER_CLASS_VIEW_FEED_MESSAGES_H_
