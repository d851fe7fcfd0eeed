// Parsing a reference program's command line with CLI11, the same way in every program.
#ifndef CHATKIT_KIT_CLI_PARSE_COMMAND_LINE_H_
#define CHATKIT_KIT_CLI_PARSE_COMMAND_LINE_H_

#include <CLI/CLI.hpp>
#include <optional>

namespace chatkit {

// The exit status every chatkit program gives for a usage error (a bad option or value).
constexpr int kExitUsageError = 2;

// Parses argv into `app`. Returns nothing when the program should go on; otherwise the status
// to exit with, after printing what CLI11 had to say:
//   - --help and --version: the text on stdout, status 0;
//   - a usage error: "<program>: <what is wrong>" and "Run with --help for more information." on
//     stderr, status kExitUsageError, so that a script running several programs can tell whose
//     complaint it is reading.
std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv, const char* program);

}  // namespace chatkit

#endif  // CHATKIT_KIT_CLI_PARSE_COMMAND_LINE_H_
