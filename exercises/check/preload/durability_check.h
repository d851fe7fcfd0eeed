// DurabilityWatch: the check's side of the durability watch (durability_watch.c). It preloads
// the watch library into the server under test, posts a message no other check uses (the
// marker), and reads the library's log to judge, deterministically, whether the
// acknowledgement left only after the post was on the disk (durability_log.h).
//
// A check runs it like this (Stage3Server.AcknowledgesOnlyAfterThePostIsSynced):
//
//   DurabilityWatch watch(log_);
//   if (!DurabilityWatch::unavailable_reason().empty()) GTEST_SKIP() << ...;
//   server_.set_environment(watch.environment(server_.data_path()));
//   STEP(server_.start());
//   STEP(watch.expect_loaded());
//   ... post watch.marker() and read its acknowledgement ...
//   STEP(watch.expect_synced_before_acknowledgement());
//
// The log is complete up to the acknowledgement once the acknowledgement has arrived: the
// library writes every event before the call that follows it can happen. So the check reads it
// then, with no waiting.
#ifndef CHATKIT_EXERCISES_CHECK_PRELOAD_DURABILITY_CHECK_H_
#define CHATKIT_EXERCISES_CHECK_PRELOAD_DURABILITY_CHECK_H_

#include <string>
#include <vector>

#include "exercises/check/step_log.h"
#include "harness/temp_dir.h"

namespace chatkit::exercises {

class DurabilityWatch {
 public:
  explicit DurabilityWatch(StepLog& log);

  // "" where the watch can run (Linux, with the library built); otherwise why it cannot, as a
  // sentence starting with "could not run: ", for the report (never a silent pass).
  static std::string unavailable_reason();

  // The environment entries that load the library into the server and tell it what to watch:
  // the post's marker and the {data} path `data_path`.
  std::vector<std::string> environment(const std::string& data_path);
  // The message to post: unique to this run, plain ASCII, so that it shows in the server's
  // files and sends byte for byte whatever it stores it in.
  const std::string& marker() const { return marker_; }

  // After the server has started: the library loaded into it. Reports "could not run" when not
  // (a statically linked program, for example).
  bool expect_loaded();
  // After the acknowledgement of marker() has arrived: it left only once the post was synced.
  bool expect_synced_before_acknowledgement();

 private:
  std::string log_text() const;

  StepLog& log_;
  chatkit::testing::TempDir dir_;
  std::string marker_;
  std::string data_path_;
};

}  // namespace chatkit::exercises

#endif  // CHATKIT_EXERCISES_CHECK_PRELOAD_DURABILITY_CHECK_H_
