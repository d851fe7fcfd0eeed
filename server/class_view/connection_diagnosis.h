// The kit's recognisers (kit/diagnostics/mistakes.h) applied to a recorded connection: what the
// class view says, in words, about the client's bytes.
//
// Computed lazily, when a page is about to be sent the connection, never per read; the result
// is cached in the record until the record changes, so several pages cost one diagnosis.
#ifndef CHATKIT_SERVER_CLASS_VIEW_CONNECTION_DIAGNOSIS_H_
#define CHATKIT_SERVER_CLASS_VIEW_CONNECTION_DIAGNOSIS_H_

#include <cstdint>
#include <optional>

#include "kit/diagnostics/mistakes.h"
#include "kit/protocol/stage.h"
#include "server/class_view/connection_record.h"

namespace chatkit {

// How the client's side of `record` ended, as the recognisers take it: its own FIN or reset
// first; else the server's end (idle timeout, refused, server stopped, a reset by the server);
// kOpen when the server closed it otherwise, or it is still open, so that a partial frame is
// never called cut short when the client might have sent more.
StreamEnd client_stream_end(const ConnectionRecord& record);

// The diagnosis of the client's bytes of `record` (with `complete` false when some were not
// kept); nullopt when no mistake is found. Cached in the record until its next change.
const std::optional<DiagnosisText>& diagnose_connection(ConnectionRecord& record, Stage stage,
                                                        std::uint32_t max_message_bytes);

}  // namespace chatkit

#endif  // CHATKIT_SERVER_CLASS_VIEW_CONNECTION_DIAGNOSIS_H_
