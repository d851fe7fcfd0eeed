#include "kit/cli/parse_command_line.h"

#include <cstdio>

namespace chatkit {

std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv, const char* program) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& done) {  // --help or --version: CLI11 prints them, status 0.
    return app.exit(done);
  } catch (const CLI::ParseError& error) {
    // CLI11's own statuses vary by error; ours is one for every usage error.
    std::fprintf(stderr, "%s: %s\nRun with --help for more information.\n", program, error.what());
    return kExitUsageError;
  }
  return std::nullopt;
}

}  // namespace chatkit
