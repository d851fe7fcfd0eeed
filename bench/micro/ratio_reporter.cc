#include "bench/micro/ratio_reporter.h"

#include <cstdio>
#include <cstring>

namespace chatkit {

RatioReporter::RatioReporter(std::string rate_counter,
                             std::function<std::string(const std::string&)> baseline_of)
    : rate_counter_(std::move(rate_counter)), baseline_of_(std::move(baseline_of)) {}

void RatioReporter::ReportRuns(const std::vector<Run>& runs) {
  std::vector<Run> annotated = runs;
  for (Run& run : annotated) {
    if (run.error_occurred) continue;
    const std::string& name = run.run_name.function_name;
    const auto counter = run.counters.find(rate_counter_);
    if (counter == run.counters.end()) continue;
    const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
    if (run.run_type == Run::RT_Iteration || median) rates_[name] = counter->second.value;
    const std::string baseline = baseline_of_(name);
    if (baseline.empty()) {
      // A baseline is 1x itself; the column then stays the same for every run, and the console
      // reporter prints its table header once instead of at every change of columns.
      run.counters["x_baseline"] = benchmark::Counter(1.0);
      continue;
    }
    const auto found = rates_.find(baseline);
    if (found == rates_.end() || found->second <= 0) continue;
    run.counters["x_baseline"] = benchmark::Counter(counter->second.value / found->second);
  }
  ConsoleReporter::ReportRuns(annotated);
}

double RatioReporter::rate(const std::string& name) const {
  const auto found = rates_.find(name);
  return found == rates_.end() ? 0 : found->second;
}

double RatioReporter::ratio(const std::string& name) const {
  const double base = rate(baseline_of_(name));
  return base > 0 ? rate(name) / base : 0;
}

std::map<std::string, std::string> take_own_flags(int* argc, char** argv,
                                                  const std::vector<std::string>& names) {
  std::map<std::string, std::string> values;
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    bool own = false;
    for (const std::string& name : names) {
      const std::string prefix = "--" + name + "=";
      if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0) {
        values[name] = argv[i] + prefix.size();
        own = true;
      }
    }
    if (!own) argv[kept++] = argv[i];
  }
  *argc = kept;
  return values;
}

bool write_summary(const std::string& path, const std::string& json) {
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) {
    std::fprintf(stderr, "cannot write %s: %s\n", path.c_str(), std::strerror(errno));
    return false;
  }
  std::fputs(json.c_str(), file);
  std::fputc('\n', file);
  return std::fclose(file) == 0;
}

}  // namespace chatkit
