// The trial run of the client command: once per run of a check program, before the first client
// check.
//
// Every client check starts the client command against a scripted server. When the command
// cannot run at all (a script that is not there: "python3: can't open file ...", a wrong path, an
// option the program rejects), each check would otherwise wait its full timeout for a connection
// that never comes, and "exits non-zero when no server listens" would pass for a program that is
// no client at all. So the command is first run once against a scripted server that listens, and
// a client connects. The outcome is kept for the rest of the run: the command is the same for
// every check.
#ifndef CHATKIT_EXERCISES_CHECK_CLIENT_PROBE_H_
#define CHATKIT_EXERCISES_CHECK_CLIENT_PROBE_H_

#include <string>

#include "harness/test_loop.h"

namespace chatkit::exercises {

struct ClientProbe {
  enum class Outcome {
    kConnected,       // It connected: a client, whatever it does next.
    kEnded,           // It could not be started, or it ended without connecting.
    kNeverConnected,  // It ran for the whole trial without connecting.
    kNotRun,          // The trial could not be made (no scripted server): nothing is known.
  };
  Outcome outcome = Outcome::kNotRun;
  std::string step;      // What the trial did, as a step of a check's log.
  std::string headline;  // Unless kConnected: one line, with the program's own first words.
  std::string details;   // The command, its exit status, the end of its output.
  std::string hint;
};

// Makes the trial on the first call, running `loop` meanwhile; later calls return that outcome.
const ClientProbe& probe_client_command(chatkit::testing::TestLoop& loop);

}  // namespace chatkit::exercises

#endif  // CHATKIT_EXERCISES_CHECK_CLIENT_PROBE_H_
