// chatkit-test-child: a small program for ChildProcess's own tests (tests/unit/
// test_support_test.cc), so that they need no interpreter and run wherever the kit runs
// (under Wine there is no Python).
//
//   chatkit-test-child ACTION...
//
// The actions run in order:
//   print:TEXT          TEXT and a newline on stdout, flushed at once
//   print-at-exit:TEXT  TEXT and a newline on stdout, left in the buffer until the exit
//   stderr:TEXT         TEXT and a newline on stderr
//   lines:N             "line 0" ... "line N-1" on stdout
//   env:NAME            "NAME=value" on stdout, or "NAME=-" when NAME is not set
//   is-file:PATH        "True" or "False" on stdout: whether PATH is a regular file
//   echo-stdin          "echo: LINE" on stdout for each line of stdin, flushed, until EOF
//   sleep:SECONDS       waits
//   exit:CODE           exits with CODE (without it, the program exits with 0)
// Output is byte for byte what is written: "\n", never "\r\n", on every platform.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#endif

namespace {

void print(std::FILE* stream, const std::string& text, bool flush) {
  std::fputs(text.c_str(), stream);
  std::fputc('\n', stream);
  if (flush) std::fflush(stream);
}

// Runs one action; returns false (after saying why on stderr) for one it does not know.
bool run(std::string_view action, int* exit_code) {
  const std::size_t colon = action.find(':');
  const std::string_view name = action.substr(0, colon);
  const std::string value(colon == std::string_view::npos ? "" : action.substr(colon + 1));
  if (name == "print") {
    print(stdout, value, true);
  } else if (name == "print-at-exit") {
    print(stdout, value, false);
  } else if (name == "stderr") {
    print(stderr, value, true);
  } else if (name == "lines") {
    const long count = std::strtol(value.c_str(), nullptr, 10);
    for (long i = 0; i < count; ++i) print(stdout, "line " + std::to_string(i), false);
    std::fflush(stdout);
  } else if (name == "env") {
    const char* set = std::getenv(value.c_str());
    print(stdout, value + "=" + (set != nullptr ? set : "-"), true);
  } else if (name == "is-file") {
    std::error_code error;
    print(stdout, std::filesystem::is_regular_file(value, error) ? "True" : "False", true);
  } else if (name == "echo-stdin") {
    char line[4096];
    while (std::fgets(line, sizeof line, stdin) != nullptr) {
      std::string text = line;
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
      print(stdout, "echo: " + text, true);
    }
  } else if (name == "sleep") {
    std::this_thread::sleep_for(std::chrono::duration<double>(std::strtod(value.c_str(), nullptr)));
  } else if (name == "exit") {
    *exit_code = static_cast<int>(std::strtol(value.c_str(), nullptr, 10));
    return true;
  } else {
    std::fprintf(stderr, "chatkit-test-child: unknown action '%s'\n", std::string(action).c_str());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
#ifdef _WIN32
  // Text mode would turn each "\n" into "\r\n"; the tests compare the output byte for byte.
  _setmode(_fileno(stdout), _O_BINARY);
  _setmode(_fileno(stderr), _O_BINARY);
  _setmode(_fileno(stdin), _O_BINARY);
#endif
  int exit_code = 0;
  for (int i = 1; i < argc; ++i) {
    if (!run(argv[i], &exit_code)) return 125;
    if (std::string_view(argv[i]).substr(0, 5) == "exit:") break;
  }
  return exit_code;
}
