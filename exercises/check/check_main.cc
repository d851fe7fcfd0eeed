// main() of each stage's check program: reads the check's own options (check_config.h), runs the
// GoogleTest checks, prints the summary in words, writes the JSON summary, and in --must-fail /
// --must-pass mode tells whether the checks caught what they had to.
//
// Compiled into each stage's program with CHATKIT_EXERCISE_STAGE, CHATKIT_EXERCISE_SERVER_CMD and
// CHATKIT_EXERCISE_CLIENT_CMD defined (the defaults: the student's programs of that stage).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "exercises/check/check_config.h"
#include "exercises/check/summary.h"
#include "exercises/check/summary_file.h"

namespace {

using chatkit::exercises::CheckConfig;

constexpr const char* kUsage =
    "Checks a stage of the chat exercise: the server and the client under test.\n"
    "\n"
    "Options (besides GoogleTest's --gtest_*):\n"
    "  --server-cmd \"CMD\"   the server to check; {port} and {data} are filled in, e.g.\n"
    "                       --server-cmd \"python3 my_server.py --port {port}\"\n"
    "  --client-cmd \"CMD\"   the client to check; {host}, {port}, {message} are filled in\n"
    "  --only server|client run only the server checks or only the client checks\n"
    "  --summary-json PATH  write the results as JSON (for autograders); missing folders\n"
    "                       are created, and a PATH that cannot be written stops the run\n"
    "                       before any check (exit status 2)\n"
    "  --durability-watch PATH  stage 3: the durability watch library to preload into the\n"
    "                       server (default: the one this build made)\n"
    "  --must-fail A:B      exit 0 only if the named checks failed (* = all but --must-pass)\n"
    "  --must-pass A:B      exit 0 only if the named checks passed\n"
    "See docs/students.md for what the programs under test must do.\n";

std::vector<std::string> split_names(const std::string& list) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t end = std::min(list.find(':', start), list.size());
    if (end > start) names.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return names;
}

// Takes our options out of argv (GoogleTest rejects none, but would ignore them silently).
// Returns false, after printing why, on a usage error.
bool parse_options(int* argc, char** argv, CheckConfig* config) {
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    const std::string arg = argv[i];
    std::string* target = nullptr;
    std::string name = arg.substr(0, arg.find('='));
    std::string list;
    if (name == "--server-cmd") target = &config->server_command;
    if (name == "--client-cmd") target = &config->client_command;
    if (name == "--only") target = &config->only;
    if (name == "--summary-json") target = &config->summary_path;
    if (name == "--durability-watch") target = &config->durability_watch;
    if (name == "--must-fail" || name == "--must-pass") target = &list;
    if (name == "--help" || name == "-h") std::cout << kUsage << "\n";
    if (target == nullptr) {
      argv[kept++] = argv[i];
      continue;
    }
    if (arg.size() > name.size()) {
      *target = arg.substr(name.size() + 1);
    } else if (i + 1 < *argc) {
      *target = argv[++i];
    } else {
      std::cerr << name << " needs a value\n" << kUsage;
      return false;
    }
    if (name == "--must-fail") config->must_fail = split_names(list);
    if (name == "--must-pass") config->must_pass = split_names(list);
  }
  *argc = kept;
  argv[kept] = nullptr;
  if (!config->only.empty() && config->only != "server" && config->only != "client") {
    std::cerr << "--only takes server or client, not \"" << config->only << "\"\n";
    return false;
  }
  if (!config->durability_watch.empty() && !std::ifstream(config->durability_watch)) {
    std::cerr << "--durability-watch " << config->durability_watch
              << ": cannot read this file (the durability watch library, "
                 "libchatkit_durability_watch.so)\n";
    return false;
  }
  return true;
}

// In --must-fail/--must-pass mode: did every named check end as required? A name ending in
// '*' stands for every check whose name starts with what comes before it; "*" in --must-fail
// stands for every check not named in --must-pass. A check that could not run here (skipped) is
// required only when named in full.
bool expectations_met(const CheckConfig& config,
                      const std::vector<chatkit::exercises::TestOutcome>& outcomes) {
  auto matches = [](const std::string& pattern, const std::string& name) {
    if (!pattern.empty() && pattern.back() == '*') {
      return name.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
    }
    return name == pattern;
  };
  auto named_in = [&](const std::vector<std::string>& patterns, const std::string& name) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& pattern) { return matches(pattern, name); });
  };
  const bool fail_all_others = config.must_fail == std::vector<std::string>{"*"};
  bool met = true;
  auto require = [&](const std::vector<std::string>& patterns, const char* status) {
    for (const std::string& pattern : patterns) {
      if (pattern == "*") continue;
      if (std::none_of(outcomes.begin(), outcomes.end(),
                       [&](const auto& outcome) { return matches(pattern, outcome.name); })) {
        std::cout << "TEETH: " << pattern << " did not run (misspelt, or filtered out)\n";
        met = false;
      }
    }
    for (const auto& outcome : outcomes) {
      const bool is_must_fail = &patterns == &config.must_fail;
      const bool required = is_must_fail && fail_all_others
                                ? !named_in(config.must_pass, outcome.name)
                                : named_in(patterns, outcome.name);
      if (!required) continue;
      // A check that could not run on this system (the stage-3 durability watch off Linux) is
      // neither caught nor passed: a wildcard does not ask for it, a name in full does.
      const bool named_in_full =
          std::find(patterns.begin(), patterns.end(), outcome.name) != patterns.end();
      if (outcome.status == "skipped" && !named_in_full) {
        std::cout << "TEETH: " << outcome.name << " could not run here, so it is not counted\n";
        continue;
      }
      if (outcome.status != status) {
        std::cout << "TEETH: " << outcome.name << " " << outcome.status << ", but it must have "
                  << status << "\n";
        met = false;
      } else {
        std::cout << "TEETH: " << outcome.name << " " << status << ", as required\n";
      }
    }
  };
  require(config.must_fail, "failed");
  require(config.must_pass, "passed");
  return met;
}

}  // namespace

int main(int argc, char** argv) {
  CheckConfig config;
  config.stage = CHATKIT_EXERCISE_STAGE;
  config.server_command = CHATKIT_EXERCISE_SERVER_CMD;
  config.client_command = CHATKIT_EXERCISE_CLIENT_CMD;
  if (!parse_options(&argc, argv, &config)) return 2;
  config.server_is_starter = config.server_command == CHATKIT_EXERCISE_SERVER_CMD;
  config.client_is_starter = config.client_command == CHATKIT_EXERCISE_CLIENT_CMD;
  const std::string program = argv[0];
  chatkit::exercises::set_check_config(config);

  ::testing::InitGoogleTest(&argc, argv);
  if (!config.only.empty()) {
    const std::string suite = config.only == "server" ? "Server" : "Client";
    const std::string filter = "Stage" + std::to_string(config.stage) + suite + ".*";
    if (GTEST_FLAG_GET(filter) == "*") {
      GTEST_FLAG_SET(filter, filter);
    } else {
      std::cerr << "--only " << config.only << " is ignored: --gtest_filter chooses the checks\n";
    }
  }
  // Refused now, not after a minute of checks whose results then could not be kept.
  if (!config.summary_path.empty() && !GTEST_FLAG_GET(list_tests)) {
    std::string error;
    if (!chatkit::exercises::prepare_output_file(config.summary_path, &error)) {
      std::cerr << "--summary-json " << config.summary_path << ": " << error
                << "; no check was run\n";
      return 2;
    }
  }
  // The summary is written after every check too: a run stopped half-way (a grader's time
  // budget) keeps the results of the checks that finished. A failure to write it is reported
  // once, at the end.
  chatkit::exercises::SummaryListener::OutcomeCallback write_so_far;
  if (!config.summary_path.empty()) {
    write_so_far = [&config](const std::vector<chatkit::exercises::TestOutcome>& outcomes) {
      std::string ignored;
      write_json_summary(config.summary_path, config, outcomes, /*complete=*/false, &ignored);
    };
  }
  auto* listener = new chatkit::exercises::SummaryListener(std::move(write_so_far));
  // GoogleTest owns the listener once appended.
  ::testing::UnitTest::GetInstance()->listeners().Append(listener);
  const int status = RUN_ALL_TESTS();

  // --gtest_list_tests (test discovery) runs no test: print nothing of ours then.
  if (listener->outcomes().empty()) return status;
  print_summary(std::cout, config, listener->outcomes(), program);
  if (!config.summary_path.empty()) {
    std::string error;
    if (!write_json_summary(config.summary_path, config, listener->outcomes(), /*complete=*/true,
                            &error)) {
      std::cerr << error << "\n";
      return 1;
    }
    std::cout << "JSON summary: " << config.summary_path << "\n";
  }
  if (!config.must_fail.empty() || !config.must_pass.empty()) {
    return expectations_met(config, listener->outcomes()) ? 0 : 1;
  }
  return status;
}
