#include "exercises/check/hints.h"

#include <optional>

#include "exercises/check/check_config.h"
#include "kit/diagnostics/mistakes.h"
#include "kit/framing/frame_codec.h"
#include "kit/protocol/client_session.h"

namespace chatkit::exercises {

const char* const kHintFlushListening =
    "the program under test must print the line \"listening on ADDR:PORT\" (with the real port) "
    "on standard output as soon as it listens, and flush it: when standard output is a file, "
    "C++ and Python keep what is printed in a buffer until it fills up. C++: std::cout << ... "
    "<< std::endl; Python: print(..., flush=True), or run python3 -u.";

std::string join_hints(const std::string& first, const std::string& next) {
  if (first.empty()) return next;
  if (next.empty()) return first;
  std::string second = next;
  const char last = first.back();
  if ((last == '.' || last == '!' || last == '?') && second[0] >= 'a' && second[0] <= 'z') {
    second[0] = static_cast<char>(second[0] - 'a' + 'A');
  }
  return first + " " + second;
}

std::string hint_not_started(Part part) {
  const CheckConfig& config = check_config();
  const bool server = part == Part::kServer;
  const std::string stage = std::to_string(config.stage);
  if (server ? config.server_is_starter : config.client_is_starter) {
    return "If you have not written this part yet, this failure is expected: the TODOs in the "
           "starter code (exercises/stage" +
           stage + (server ? "/cpp/server.cpp" : "/cpp/client.cpp") + ") are what makes it pass.";
  }
  const std::string python =
      python_starter_file(server ? config.server_command : config.client_command, config.stage,
                          server ? "server" : "client");
  if (!python.empty()) {
    // Stage 1's framing is the student's too: socketfuncs.py, beside the program.
    const std::size_t name = python.rfind('/') + 1;
    return "If you have not written this part yet, this failure is expected: the TODOs in the "
           "starter code (" +
           (config.stage == 1 ? python.substr(0, name) + "socketfuncs.py and " + python.substr(name)
                              : python) +
           ") are what makes it pass.";
  }
  return std::string("If the ") + (server ? "server" : "client") +
         " under test does not do this part of stage " + stage +
         " yet, this failure is expected; if it does, its output below may say what went wrong.";
}

namespace {

// The hint for the frame that should have been `messages[index]` but starts with the bytes
// `got`: the kit's recogniser decides, and the checks word its finding as they always have.
std::string explain_one(const std::vector<std::string>& messages, std::size_t index, bool is_count,
                        std::string_view got) {
  const std::string& message = messages[index];
  std::optional<std::string_view> next;
  if (index + 1 < messages.size()) next = messages[index + 1];
  const Diagnosis diagnosis = diagnose_frame(message, got, is_count, next);
  switch (diagnosis.mistake) {
    case Mistake::kCutShortInLength:
      return "the bytes end in the middle of a length prefix.";
    case Mistake::kCutShortInPayload:
      return "the bytes end in the middle of the payload.";
    case Mistake::kDifferentText:
      return "the length is right but the text differs.";
    case Mistake::kNonDigitCount:
      return join_hints("the count frame must hold only decimal digits, like \"" + message + "\".",
                        kHintForgotCount);
    default:
      return diagnosis.hint != nullptr ? diagnosis.hint : "";
  }
}

// What the kit's ClientSession, the client side of the protocol that chat-client and the viewer
// run, makes of a history the server sent: a protocol error it names, and where the bytes give
// it away, the stage the server seems to run. "" when it finds nothing wrong with them.
std::string what_a_client_makes_of(std::string_view history) {
  const int stage_number = check_config().stage;
  if (stage_number < 2 || stage_number > 3) return "";
  ClientSession session(stage_number == 2 ? Stage::kHistory : Stage::kPersisted,
                        kDefaultMaxMessageBytes);
  session.on_bytes(history.data(), history.size());
  for (const ClientEvent& event : session.take_events()) {
    if (event.kind != ClientEvent::Kind::kFailed) continue;
    const std::string remedy = event.failure.sign == StageSign::kNone
                                   ? ""
                                   : ": this check is stage " + std::to_string(stage_number) + "'s";
    return "A client of stage " + std::to_string(stage_number) +
           " (chat-client) would stop here: " + event.failure.describe(remedy);
  }
  return "";
}

// The recognisers of explain_frames(), which know the bytes that were expected.
std::string explain_by_expected_bytes(const std::vector<std::string>& messages, bool first_is_count,
                                      std::string_view got, std::size_t* frame_index) {
  std::size_t position = 0;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const std::string frame = encode_frame(messages[i]);
    if (got.substr(position, frame.size()) == frame) {
      position += frame.size();
      continue;
    }
    if (frame_index != nullptr) *frame_index = i;
    return explain_one(messages, i, first_is_count && i == 0, got.substr(position));
  }
  if (frame_index != nullptr) *frame_index = messages.size();
  return position < got.size() ? "more bytes came after the last expected frame." : "";
}

}  // namespace

std::string explain_frames(const std::vector<std::string>& messages, bool first_is_count,
                           std::string_view got, std::size_t* frame_index) {
  const std::string hint = explain_by_expected_bytes(messages, first_is_count, got, frame_index);
  // A history: what a client of the stage makes of the same bytes, as chat-client and the viewer
  // would say it, comes after the recognisers' hint.
  return first_is_count ? join_hints(hint, what_a_client_makes_of(got)) : hint;
}

}  // namespace chatkit::exercises
