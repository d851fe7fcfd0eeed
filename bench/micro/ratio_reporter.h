// RatioReporter: Google Benchmark's console output, plus each figure as a ratio of its baseline
// measured in the same run (encode against memcpy of the same bytes, the store's commits against
// the disk's raw syncs), and a JSON summary for tests/bench/compare.py.
//
// A figure alone says little on a shared 2-core machine; the same figure next to what the
// machine does for the simplest version of the same work, measured minutes apart in the same
// process, says how far from the ceiling the code is. Baselines must therefore be registered
// (and so run) before the benchmarks compared with them.
#ifndef CHATKIT_BENCH_MICRO_RATIO_REPORTER_H_
#define CHATKIT_BENCH_MICRO_RATIO_REPORTER_H_

#include <benchmark/benchmark.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace chatkit {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  // `rate_counter` names the counter compared ("bytes_per_second", "items_per_second");
  // `baseline_of` maps a benchmark's registered name to its baseline's ("" for none).
  RatioReporter(std::string rate_counter,
                std::function<std::string(const std::string&)> baseline_of);

  // Adds the counter "x_baseline" (rate / the baseline's rate) to each run that has a baseline,
  // then prints as the console reporter does. The median wins over single runs when
  // --benchmark_repetitions asks for several.
  void ReportRuns(const std::vector<Run>& runs) override;

  // The rate of the benchmark registered as `name` (0 when it did not run).
  double rate(const std::string& name) const;
  // rate(name) / rate(baseline of name); 0 when either is missing.
  double ratio(const std::string& name) const;
  // Every rate, by registered name.
  const std::map<std::string, double>& rates() const { return rates_; }

 private:
  std::string rate_counter_;
  std::function<std::string(const std::string&)> baseline_of_;
  std::map<std::string, double> rates_;
};

// Takes the options a benchmark binary adds to Google Benchmark's own ("--summary-json=PATH")
// out of argv before benchmark::Initialize sees them. Returns their values by name (without
// the leading dashes).
std::map<std::string, std::string> take_own_flags(int* argc, char** argv,
                                                  const std::vector<std::string>& names);

// Writes `json` (one object) to `path`; prints why on stderr and returns false when it cannot.
bool write_summary(const std::string& path, const std::string& json);

}  // namespace chatkit

#endif  // CHATKIT_BENCH_MICRO_RATIO_REPORTER_H_
