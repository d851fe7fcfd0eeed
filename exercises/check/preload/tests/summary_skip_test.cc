// The summary in words shows why a check could not run (a skip), as prominently as a failure:
// the durability check skips where it cannot watch the server (not Linux), never passes there.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "exercises/check/summary.h"

namespace chatkit::exercises {
namespace {

TEST(Summary, ShowsWhyACheckCouldNotRun) {
  CheckConfig config;
  config.stage = 3;
  std::vector<TestOutcome> outcomes(2);
  outcomes[0] = {"Stage3Server.SendsTheCountZeroForAFreshHistory",
                 "server: sends the count zero for a fresh history", "passed", "", 0};
  outcomes[1] = {"Stage3Server.AcknowledgesOnlyAfterThePostIsSynced",
                 "server: acknowledges only after the post is synced", "skipped",
                 "could not run on macOS: the check watches...\nmore", 0};
  std::ostringstream out;
  print_summary(out, config, outcomes, "stage3-check");
  const std::string text = out.str();
  EXPECT_NE(text.find("  SKIP  server: acknowledges only after the post is synced\n"
                      "          could not run on macOS: the check watches...\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("1 check could not run here"), std::string::npos) << text;
  EXPECT_NE(text.find("1 passed, 0 failed, 1 could not run\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("every check passed"), std::string::npos) << text;
}

}  // namespace
}  // namespace chatkit::exercises
