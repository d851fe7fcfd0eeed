#include "exercises/check/check_config.h"

#include <utility>

namespace chatkit::exercises {

namespace {
CheckConfig g_config;
}  // namespace

const CheckConfig& check_config() {
  return g_config;
}

void set_check_config(CheckConfig config) {
  g_config = std::move(config);
}

std::vector<std::string> split_command(const std::string& command, std::string* error) {
  std::vector<std::string> argv;
  std::string current;
  bool in_argument = false;
  for (std::size_t i = 0; i < command.size(); ++i) {
    const char c = command[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_argument) argv.push_back(std::move(current));
      current.clear();
      in_argument = false;
    } else if (c == '\'' || c == '"') {
      in_argument = true;
      const std::size_t start = i;
      for (++i; i < command.size() && command[i] != c; ++i) {
        if (c == '"' && command[i] == '\\' && i + 1 < command.size() &&
            (command[i + 1] == '"' || command[i + 1] == '\\')) {
          ++i;
        }
        current += command[i];
      }
      if (i == command.size()) {
        *error = "unterminated " + std::string(1, c) + " quote starting at character " +
                 std::to_string(start + 1) + " of: " + command;
        return {};
      }
    } else {
      in_argument = true;
      current += c;
    }
  }
  if (in_argument) argv.push_back(std::move(current));
  if (argv.empty()) *error = "the command is empty";
  return argv;
}

std::vector<std::string> substitute(std::vector<std::string> argv,
                                    const std::vector<Placeholder>& values) {
  for (std::string& arg : argv) {
    std::string result;
    for (std::size_t i = 0; i < arg.size();) {
      bool replaced = false;
      if (arg[i] == '{') {
        for (const Placeholder& placeholder : values) {
          const std::string key = "{" + placeholder.name + "}";
          if (arg.compare(i, key.size(), key) == 0) {
            result += placeholder.value;
            i += key.size();
            replaced = true;
            break;
          }
        }
      }
      if (!replaced) result += arg[i++];
    }
    arg = std::move(result);
  }
  return argv;
}

std::string quote_command(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& arg : argv) {
    if (!line.empty()) line += ' ';
    const bool plain =
        !arg.empty() && arg.find_first_of(" \t\n\r'\"\\$`!*?;&|<>()[]{}#~") == std::string::npos;
    if (plain) {
      line += arg;
      continue;
    }
    line += '\'';
    for (char c : arg) line += c == '\'' ? std::string("'\\''") : std::string(1, c);
    line += '\'';
  }
  return line;
}

std::string python_starter_file(const std::string& command, int stage, const std::string& program) {
  // The source folder comes from exercises/python.cmake: a copy of the starter elsewhere (a
  // submission being graded) is another program under test.
#ifdef CHATKIT_EXERCISES_SOURCE_DIR
  const std::string file = "stage" + std::to_string(stage) + "/python/" + program + ".py";
  std::string error;
  for (const std::string& arg : split_command(command, &error)) {
    if (arg == std::string(CHATKIT_EXERCISES_SOURCE_DIR) + "/" + file) return "exercises/" + file;
  }
#else
  (void)command, (void)stage, (void)program;
#endif
  return "";
}

}  // namespace chatkit::exercises
