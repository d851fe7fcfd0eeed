#include "server/class_view/connection_diagnosis.h"

namespace chatkit {

StreamEnd client_stream_end(const ConnectionRecord& record) {
  if (record.end == ConnectionEnd::kRefused) return StreamEnd::kRefused;
  if (record.client_ended) return record.client_fin ? StreamEnd::kClosed : StreamEnd::kReset;
  if (!record.end) return StreamEnd::kOpen;
  switch (*record.end) {
    case ConnectionEnd::kIdleTimeout:
      return StreamEnd::kIdleTimeout;
    case ConnectionEnd::kServerStopped:
      return StreamEnd::kServerStopped;
    case ConnectionEnd::kReset:
      return StreamEnd::kReset;
    default:
      // The server closed it (done, or a protocol error it saw in the bytes): the client had
      // not ended, and might have sent more.
      return StreamEnd::kOpen;
  }
}

const std::optional<DiagnosisText>& diagnose_connection(ConnectionRecord& record, Stage stage,
                                                        std::uint32_t max_message_bytes) {
  if (record.diagnosis_version == record.version && record.version != 0) return record.diagnosis;
  record.diagnosis_version = record.version;
  record.diagnosis.reset();
  const Diagnosis diagnosis =
      diagnose_stream(record.in.kept, Sender::kClient, stage, client_stream_end(record),
                      record.in.complete(), max_message_bytes);
  if (diagnosis.mistake != Mistake::kNone) {
    record.diagnosis =
        DiagnosisText{mistake_id(diagnosis.mistake), diagnosis.what,
                      diagnosis.hint != nullptr ? std::string(diagnosis.hint) : std::string()};
  }
  return record.diagnosis;
}

}  // namespace chatkit
