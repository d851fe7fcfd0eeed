// StepLog: the action/expectation log behind every exercise-check failure message.
//
// A check records each thing it does and sees ("client A connected", "client A sent the frame for
// "Hi": 00 00 00 02 48 69", "the server closed the connection") as it goes. When an expectation
// fails, fail() reports, through GoogleTest, one message that teaches:
//
//   <headline: what was expected, what happened>
//   <details: expected and received bytes in hex and ASCII, a caret under the first difference>
//   Steps so far:
//     1. ...
//     5. ...   <- failed here
//   Hint: <the common mistake that produces exactly this>
//   <context: the command under test, its exit status, the end of its output>
#ifndef CHATKIT_EXERCISES_CHECK_STEP_LOG_H_
#define CHATKIT_EXERCISES_CHECK_STEP_LOG_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace chatkit::exercises {

class StepLog {
 public:
  // Records one step.
  void step(std::string text);
  // Records one step with the bytes it sent or received, dumped under it.
  void step(std::string text, std::string_view bytes);
  // A source of context shown at the end of every failure report (the server's output). The
  // function is called when a failure is reported, so it shows the state at that moment.
  void add_context(std::function<std::string()> text);

  // Reports a failure of the running test (GoogleTest ADD_FAILURE). `details` and `hint` may be
  // empty. Returns false, so that checks can `return log.fail(...)`.
  bool fail(const std::string& headline, const std::string& details = "",
            const std::string& hint = "");
  // The numbered steps, one per line.
  std::string render() const;

 private:
  std::vector<std::string> steps_;
  std::vector<std::function<std::string()>> context_;
};

// Text for people: "\"Hi\"" for short text, "a 300000-byte message" for long or odd text.
std::string describe_text(std::string_view text);
// A hex dump of `bytes`, indented for a step, at most `max_bytes` shown.
std::string dump_for_step(std::string_view bytes, std::size_t max_bytes = 48);

}  // namespace chatkit::exercises

#endif  // CHATKIT_EXERCISES_CHECK_STEP_LOG_H_
