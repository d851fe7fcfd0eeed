// What an exercise check runs against: the programs under test and where results go.
//
// Each stage's check program (stage1-check, stage2-check, stage3-check) is one GoogleTest program
// with its own main (check_main.cc), which reads these options before GoogleTest's:
//
//   --server-cmd "<command>"   the server under test; {port} and {data} are filled in
//   --client-cmd "<command>"   the client under test; {host}, {port} and {message} are filled in
//   --only server|client       run only the server tests or only the client tests
//   --summary-json PATH        write the results as JSON for autograders
//   --durability-watch PATH    (stage 3) the durability watch library to preload into the
//                              server; default: the one this build made. A grader that copies
//                              the check program where its sandbox's users can reach it
//                              (chat-grade) copies the library too and names the copy here.
//   --must-fail A:B  --must-pass C:D   (the kit's own tests of the checks) exit 0 only when the
//                              named tests failed / passed
//
// The defaults are the student's programs built from exercises/stageN/cpp/server.cpp and
// client.cpp.
#ifndef CHATKIT_EXERCISES_CHECK_CHECK_CONFIG_H_
#define CHATKIT_EXERCISES_CHECK_CHECK_CONFIG_H_

#include <string>
#include <vector>

namespace chatkit::exercises {

struct CheckConfig {
  int stage = 1;
  std::string server_command;  // A template: see substitute().
  std::string client_command;
  // True while the command is the default one: the stage's starter program built in this tree
  // (exercises/stageN/cpp/server.cpp, client.cpp), the student's own work. False when
  // --server-cmd / --client-cmd names another program under test (a grader's run of a
  // submission).
  bool server_is_starter = true;
  bool client_is_starter = true;
  std::string only;                    // "", "server" or "client".
  std::string summary_path;            // "" = no JSON summary.
  std::string durability_watch;        // "" = this build's library (stage 3 only).
  std::vector<std::string> must_fail;  // Full test names ("Stage2Server.Foo").
  std::vector<std::string> must_pass;
};

// The configuration of this run; set once by check_main.cc before any test runs.
const CheckConfig& check_config();
void set_check_config(CheckConfig config);

// Splits a command line into arguments the way a POSIX shell would for simple commands:
// whitespace separates arguments; '...' keeps everything literally; "..." keeps everything but
// \" and \\, which stand for " and \. A backslash outside quotes is an ordinary character (so
// Windows paths work). Sets *error and returns {} for an unterminated quote or an empty command.
std::vector<std::string> split_command(const std::string& command, std::string* error);

// Replaces every "{name}" in each argument by its value. Unknown names stay as they are.
struct Placeholder {
  std::string name;  // Without braces: "port".
  std::string value;
};
std::vector<std::string> substitute(std::vector<std::string> argv,
                                    const std::vector<Placeholder>& values);

// argv as one line a person can paste into a shell, each argument quoted when it needs it.
std::string quote_command(const std::vector<std::string>& argv);

// The Python starter that `command` runs, as "exercises/stageN/python/<program>.py" (`program` is
// "server" or "client"), when one of its arguments is that file of this source tree
// (check-stageN-python); "" otherwise. Hints name it as they name the C++ starter, while the
// command itself is not the default (server_is_starter stays false), so that the summary's
// command for running a check again still names the Python program.
std::string python_starter_file(const std::string& command, int stage, const std::string& program);

}  // namespace chatkit::exercises

#endif  // CHATKIT_EXERCISES_CHECK_CHECK_CONFIG_H_
