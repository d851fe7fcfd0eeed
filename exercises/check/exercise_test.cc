#include "exercises/check/exercise_test.h"

#include <utility>

#include "exercises/check/client_probe.h"
#include "exercises/check/hints.h"
#include "kit/protocol/client_session.h"
#include "kit/protocol/stage.h"

namespace chatkit::exercises {

std::string encode_frames(const std::vector<std::string>& messages) {
  std::string bytes;
  for (const std::string& message : messages) append_frame(message, bytes);
  return bytes;
}

std::string message_of_300_bytes() {
  std::string text;
  while (text.size() < 300) text += "0123456789";
  return text;
}

std::vector<std::string> history_frames(const std::vector<std::string>& items) {
  std::vector<std::string> frames{format_count(items.size())};
  frames.insert(frames.end(), items.begin(), items.end());
  return frames;
}

Peer::Peer(TestLoop& loop, StepLog& log, std::string name)
    : log_(log),
      name_(std::move(name)),
      client_(loop),
      endpoint_(client_, log, name_, "the server") {}

bool Peer::connect(int port) {
  if (!client_.connect("127.0.0.1", port)) {
    return log_.fail(name_ + " could not connect to the server at 127.0.0.1:" +
                         std::to_string(port) + ": " + client_.last_error(),
                     "",
                     "is the server still running? It must go on accepting connections "
                     "after each client, whatever that client did.");
  }
  log_.step(name_ + " connected to the server at 127.0.0.1:" + std::to_string(port));
  return true;
}

std::unique_ptr<Peer> ServerTest::connect(const std::string& name) {
  auto peer = std::make_unique<Peer>(loop_, log_, name);
  if (!peer->connect(server_.port())) return nullptr;
  return peer;
}

bool ServerTest::expect_history(Peer& peer, const std::vector<std::string>& items,
                                milliseconds timeout, const std::string& hint_if_late) {
  const std::string what = "the history: the count \"" + format_count(items.size()) + "\"" +
                           (items.empty() ? ""
                                          : ", then " + std::to_string(items.size()) +
                                                (items.size() == 1 ? " item" : " items"));
  return peer->expect_frames(history_frames(items), true, what, timeout, hint_if_late);
}

bool ServerTest::expect_history_of_new_client(const std::string& name,
                                              const std::vector<std::string>& items) {
  std::unique_ptr<Peer> peer = connect(name);
  return peer && expect_history(*peer, items);
}

std::unique_ptr<Peer> ServerTest::connect_while_another_stalls(milliseconds deadline) {
  std::unique_ptr<Peer> a = connect("client A");
  if (!a ||
      !(*a)->send_bytes(std::string("\x00\x00", 2), "2 of the 4 length bytes, and then nothing")) {
    return nullptr;
  }
  log_.step("client A stalls from now on: it neither sends nor reads (the never-answering peer)");
  stalled_.push_back(std::move(a));
  std::unique_ptr<Peer> b = connect("client B");
  if (!b || !expect_history(*b, {}, deadline, kHintNeverAnsweringPeer)) return nullptr;
  return b;
}

ClientTest::ClientTest() {
  log_.add_context([this]() -> std::string {
    if (connection_ == nullptr) return "";
    return "Everything the scripted server received from the client:\n" +
           dump_for_step(connection_->received_total(), 256);
  });
}

bool ClientTest::client_command_runs() {
  const ClientProbe& probe = probe_client_command(loop_);
  switch (probe.outcome) {
    case ClientProbe::Outcome::kConnected:
    case ClientProbe::Outcome::kNotRun:
      return true;
    case ClientProbe::Outcome::kEnded:
    case ClientProbe::Outcome::kNeverConnected:
      break;
  }
  log_.step(probe.step);
  return log_.fail(probe.headline, probe.details, probe.hint);
}

bool ClientTest::expect_failure_when_nobody_listens() {
  if (!client_command_runs()) return false;
  const ClientProbe& trial = probe_client_command(loop_);
  if (trial.outcome == ClientProbe::Outcome::kConnected) {
    log_.step(trial.step + ", so it is a client: a failure to connect is its own to report");
  }
  int port = 0;
  {
    // A port that was free a moment ago and has no listener now.
    ScriptedServer probe(loop_);
    port = probe.port();
  }
  log_.step("nothing listens on 127.0.0.1:" + std::to_string(port));
  return client_.start(port, "nobody hears this") &&
         client_.expect_exit(false, "the connection was refused");
}

std::unique_ptr<Endpoint<ScriptedConnection>> ClientTest::start_client(const std::string& message) {
  if (!client_command_runs()) return nullptr;
  if (!scripted_.listening()) {
    log_.fail("the scripted server could not listen: " + scripted_.last_error());
    return nullptr;
  }
  log_.step("the scripted server listens on 127.0.0.1:" + std::to_string(scripted_.port()));
  if (!client_.start(scripted_.port(), message)) return nullptr;
  // Waits for the connection, or for the client to end without one: a client that is gone will
  // not connect, however long the check waits.
  loop_.run_until([&] { return scripted_.connections_accepted() > 0 || !client_.running(); },
                  kExpectTimeout);
  // A client that connects and exits at once: its connection may still wait in the listener's
  // backlog when its exit is seen. accept() returns at once when the connection was taken.
  connection_ = scripted_.accept(kQuietPeriod);
  if (connection_ == nullptr && !client_.running()) {
    log_.fail("the client ended before it connected to the scripted server", "",
              "a client connects to --host and --port (here 127.0.0.1 and " +
                  std::to_string(scripted_.port()) +
                  ") first; its exit status and standard error (below) say why it stopped.");
    return nullptr;
  }
  if (connection_ == nullptr) {
    log_.fail("the client did not connect to the scripted server within 5 s", "",
              "the client connects to --host and --port (here 127.0.0.1 and " +
                  std::to_string(scripted_.port()) + "). " + hint_not_started(Part::kClient));
    return nullptr;
  }
  log_.step("the client connected");
  return std::make_unique<Endpoint<ScriptedConnection>>(*connection_, log_, "the scripted server",
                                                        "the client");
}

}  // namespace chatkit::exercises
