// One student's way through a grading run (grader.h): copy, build, check run, result. Internal to
// the grader; on the grading loop.
#ifndef CHATKIT_GRADE_STUDENT_JOB_H_
#define CHATKIT_GRADE_STUDENT_JOB_H_

#include <uv.h>

#include <deque>
#include <functional>
#include <string>

#include "grade/grader.h"
#include "grade/process.h"

namespace chatkit::grade {

// Runs at most `limit` processes at once (the compilers: one per core keeps the machine busy
// without making every compile slower), the others wait in order.
class ProcessQueue {
 public:
  ProcessQueue(uv_loop_t* loop, unsigned limit) : loop_(loop), limit_(limit) {}
  void run(ProcessSpec spec, std::function<void(ProcessOutcome)> done);

 private:
  void next();
  uv_loop_t* loop_;
  unsigned limit_;
  unsigned running_ = 0;
  std::deque<std::pair<ProcessSpec, std::function<void(ProcessOutcome)>>> waiting_;
};

// Grades `submission` in `work_dir` (created, and removed at the end), as parallel slot `slot`;
// calls `done` once with the result.
void grade_student(uv_loop_t* loop, const Grading& grading, ProcessQueue& compilers,
                   const Submission& submission, const std::string& work_dir, unsigned slot,
                   std::function<void(StudentResult)> done);

}  // namespace chatkit::grade

#endif  // CHATKIT_GRADE_STUDENT_JOB_H_
