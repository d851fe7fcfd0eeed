#include "exercises/check/client_probe.h"

#include <uv.h>

#include <csignal>
#include <optional>
#include <vector>

#include "exercises/check/check_config.h"
#include "exercises/check/endpoint.h"
#include "exercises/check/programs.h"
#include "harness/child_process.h"
#include "harness/scripted_server.h"

namespace chatkit::exercises {

namespace {

using chatkit::testing::ChildProcess;
using chatkit::testing::ExitStatus;
using chatkit::testing::ScriptedServer;

// As long as a server gets to print its listening line: starting an interpreter on a slow or
// emulated machine can take seconds.
constexpr milliseconds kTrialTimeout{10000};
constexpr std::size_t kHeadlineWords = 200;

// The first line the program wrote on standard error (or, if none, on standard output), without
// its line end, cut short for a headline; "" when it wrote nothing.
std::string first_words(const ChildProcess& process) {
  for (const std::string& text : {process.stderr_text(), process.stdout_text()}) {
    std::size_t start = text.find_first_not_of(" \t\r\n");
    if (start == std::string::npos) continue;
    std::string line = text.substr(start, text.find_first_of("\r\n", start) - start);
    if (line.size() > kHeadlineWords) line = line.substr(0, kHeadlineWords) + "...";
    return line;
  }
  return "";
}

std::string exit_text(const std::optional<ExitStatus>& status) {
  if (!status) return "it ended";
  if (status->term_signal != 0) {
    return "it was ended by signal " + std::to_string(status->term_signal);
  }
  return "it exited with code " + std::to_string(status->exit_code);
}

std::string working_folder() {
  char cwd[4096];
  std::size_t size = sizeof cwd;
  return uv_cwd(cwd, &size) == 0 ? std::string(cwd, size) : std::string("(unknown)");
}

std::string hint_for_command(const CheckConfig& config) {
  if (config.client_is_starter) {
    return "the stage's own client (exercises/stage" + std::to_string(config.stage) +
           "/cpp/client.cpp) did not run: build it again (cmake --build build --target "
           "check-stage" +
           std::to_string(config.stage) + ") and read its error above.";
  }
  return "every client check runs this command, so none can pass until it starts. Check "
         "--client-cmd: the program or interpreter, the script's path (a relative path counts "
         "from the folder the check runs in, " +
         working_folder() +
         "), and the options the program takes. To see what goes wrong, run it by hand against "
         "a server (build/server/chat-server --stage " +
         std::to_string(config.stage) +
         " --port 10000), with 127.0.0.1 for {host}, 10000 for {port} and any {message}.";
}

ClientProbe run_trial(TestLoop& loop) {
  const CheckConfig& config = check_config();
  ClientProbe probe;
  ScriptedServer server(loop);
  if (!server.listening()) return probe;  // kNotRun: the checks themselves will report it.
  probe.step =
      "a trial run of the client command (once, before the client checks) against a "
      "scripted server that listens on 127.0.0.1:" +
      std::to_string(server.port());
  std::string error;
  ChildProcess::Options options;
  options.argv = client_argv(server.port(), "trial run", &error);
  if (options.argv.empty()) {
    probe.outcome = ClientProbe::Outcome::kEnded;
    probe.headline = "the client command could not start: --client-cmd is not usable: " + error;
    probe.hint = "write --client-cmd as one argument, with {host}, {port} and {message} in it.";
    return probe;
  }
  ChildProcess process(loop, options);
  if (!process.spawn_error().empty()) {
    probe.outcome = ClientProbe::Outcome::kEnded;
    probe.headline = "the client command could not start: " + process.spawn_error();
    probe.details = clip_lines(process.describe());
    probe.hint = hint_for_command(config);
    return probe;
  }
  loop.run_until([&] { return server.connections_accepted() > 0 || !process.running(); },
                 kTrialTimeout);
  // A client that connects and exits at once: its connection may still wait in the listener's
  // backlog when its exit is seen. accept() returns at once when the connection was taken.
  const bool connected = server.connections_accepted() > 0 || server.accept(kQuietPeriod);
  if (connected) {
    probe.outcome = ClientProbe::Outcome::kConnected;
    probe.step += ": it connected";
    return probe;  // ~ChildProcess ends the trial client: it has shown what it had to.
  }
  if (!process.running()) {
    const std::optional<ExitStatus> status = process.wait_for_exit(milliseconds(0));
    const std::string said = first_words(process);
    probe.outcome = ClientProbe::Outcome::kEnded;
    probe.headline = "the client command could not start: " + exit_text(status) +
                     " without connecting" + (said.empty() ? ", and printed nothing" : ": " + said);
  } else {
    probe.outcome = ClientProbe::Outcome::kNeverConnected;
    probe.headline =
        "the client never connected: it ran for " + std::to_string(kTrialTimeout.count() / 1000) +
        " s next to a scripted server that listens on 127.0.0.1:" + std::to_string(server.port()) +
        " without connecting to it";
    process.kill(SIGKILL);
    process.wait_for_exit(kExpectTimeout);
  }
  probe.details = clip_lines(process.describe());
  probe.hint = probe.outcome == ClientProbe::Outcome::kEnded
                   ? hint_for_command(config)
                   : "the client connects to the host and port its command gives it ({host} and "
                     "{port} in --client-cmd) before anything else; every client check needs "
                     "that. A client that waits for input first (standard input, a prompt) "
                     "waits forever here.";
  return probe;
}

}  // namespace

const ClientProbe& probe_client_command(TestLoop& loop) {
  static std::optional<ClientProbe> probe;
  if (!probe) probe = run_trial(loop);
  return *probe;
}

}  // namespace chatkit::exercises
