#include "exercises/check/summary.h"

#include <cctype>
#include <nlohmann/json.hpp>

#include "exercises/check/summary_file.h"

namespace chatkit::exercises {

void SummaryListener::OnTestStart(const ::testing::TestInfo& /*info*/) {
  message_.clear();
}

void SummaryListener::OnTestPartResult(const ::testing::TestPartResult& result) {
  if (result.type() == ::testing::TestPartResult::kSuccess) return;
  if (!message_.empty()) message_ += "\n";
  std::string text = result.message();
  // ADD_FAILURE() puts "Failed\n" before every report; the report's own first line says more.
  if (text.compare(0, 7, "Failed\n") == 0) text.erase(0, 7);
  message_ += text;
}

void SummaryListener::OnTestEnd(const ::testing::TestInfo& info) {
  TestOutcome outcome;
  outcome.name = std::string(info.test_suite_name()) + "." + info.name();
  outcome.description = describe_test(info.test_suite_name(), info.name());
  const ::testing::TestResult* result = info.result();
  outcome.status = result->Skipped() ? "skipped" : result->Failed() ? "failed" : "passed";
  outcome.message = message_;
  outcome.seconds = static_cast<double>(result->elapsed_time()) / 1000.0;
  outcomes_.push_back(std::move(outcome));
  if (on_outcome_) on_outcome_(outcomes_);
}

std::string describe_test(const std::string& suite, const std::string& name) {
  std::string words;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool upper = std::isupper(static_cast<unsigned char>(c)) != 0;
    const bool starts_word =
        i > 0 && upper &&
        (std::islower(static_cast<unsigned char>(name[i - 1])) != 0 ||
         std::isdigit(static_cast<unsigned char>(name[i - 1])) != 0 ||
         (i + 1 < name.size() && std::islower(static_cast<unsigned char>(name[i + 1])) != 0));
    if (starts_word) words += ' ';
    words += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  // Words that the CamelCase of a test name cannot spell.
  const std::pair<const char*, const char*> spellings[] = {{"utf8", "UTF-8"},
                                                           {"kill9", "kill -9"},
                                                           {"big endian", "big-endian"},
                                                           {"multi byte", "multi-byte"},
                                                           {"non zero", "non-zero"},
                                                           {"mid frame", "mid-frame"},
                                                           {"one mebibyte", "1 MiB"},
                                                           {"two digit", "two-digit"},
                                                           {"byte exact", "byte-exact"}};
  words = " " + words + " ";
  for (const auto& [from, to] : spellings) {
    for (std::size_t at = words.find(from); at != std::string::npos;
         at = words.find(from, at + std::string(to).size())) {
      words.replace(at, std::string(from).size(), to);
    }
  }
  words = words.substr(1, words.size() - 2);
  const bool server = suite.find("Server") != std::string::npos;
  const bool client = suite.find("Client") != std::string::npos;
  return std::string(server ? "server: " : client ? "client: " : "") + words;
}

std::vector<std::string> rerun_command(const CheckConfig& config, const std::string& program,
                                       const std::string& test_name) {
  std::vector<std::string> argv{program, "--gtest_filter=" + test_name};
  if (!config.server_is_starter) argv.insert(argv.end(), {"--server-cmd", config.server_command});
  if (!config.client_is_starter) argv.insert(argv.end(), {"--client-cmd", config.client_command});
  return argv;
}

void print_summary(std::ostream& out, const CheckConfig& config,
                   const std::vector<TestOutcome>& outcomes, const std::string& program) {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  std::string first_failed;
  out << "\n==== stage " << config.stage << " check ====\n";
  for (const TestOutcome& outcome : outcomes) {
    const bool ok = outcome.status == "passed";
    out << (ok                            ? "  PASS  "
            : outcome.status == "skipped" ? "  SKIP  "
                                          : "  FAIL  ")
        << outcome.description << "\n";
    if (!ok) {
      // A skipped check says why it could not run: never a silent pass.
      const std::string headline = outcome.message.substr(0, outcome.message.find('\n'));
      out << "          " << headline << "\n";
    }
    if (outcome.status == "failed" && first_failed.empty()) first_failed = outcome.name;
    passed += ok ? 1 : 0;
    failed += outcome.status == "failed" ? 1 : 0;
    skipped += outcome.status == "skipped" ? 1 : 0;
  }
  if (failed > 0) {
    out << "\nThe failure reports above say what was sent and received, step by step.\n"
        << "Work on one at a time; to run just the first failing check again:\n  "
        << quote_command(rerun_command(config, program, first_failed)) << "\n";
  } else if (skipped > 0) {
    out << "\nEvery check that could run passed; " << skipped
        << (skipped == 1 ? " check" : " checks") << " could not run here (see SKIP above).\n";
  } else if (!outcomes.empty()) {
    out << "\nStage " << config.stage << " works: every check passed.\n";
  }
  out << passed << " passed, " << failed << " failed";
  if (skipped > 0) out << ", " << skipped << " could not run";
  out << "\n";
}

bool write_json_summary(const std::string& path, const CheckConfig& config,
                        const std::vector<TestOutcome>& outcomes, bool complete,
                        std::string* error) {
  nlohmann::json tests = nlohmann::json::array();
  int passed = 0;
  int failed = 0;
  for (const TestOutcome& outcome : outcomes) {
    tests.push_back({{"name", outcome.name},
                     {"description", outcome.description},
                     {"status", outcome.status},
                     {"seconds", outcome.seconds},
                     {"message", outcome.message}});
    passed += outcome.status == "passed" ? 1 : 0;
    failed += outcome.status == "failed" ? 1 : 0;
  }
  const int skipped = static_cast<int>(outcomes.size()) - passed - failed;
  const nlohmann::json summary = {{"stage", config.stage},
                                  {"complete", complete},
                                  {"passed", passed},
                                  {"failed", failed},
                                  {"skipped", skipped},
                                  {"total", static_cast<int>(outcomes.size())},
                                  {"server_command", config.server_command},
                                  {"client_command", config.client_command},
                                  {"tests", tests}};
  // A program under test may print bytes that are not UTF-8; they end up in messages, and JSON
  // must be UTF-8, so such bytes become U+FFFD.
  return write_whole_file(
      path, summary.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", error);
}

}  // namespace chatkit::exercises
