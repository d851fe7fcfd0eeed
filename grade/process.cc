#include "grade/process.h"

#include <signal.h>

#include <cstring>
#include <map>
#include <memory>
#include <set>

#include "grade/capped_output.h"

extern char** environ;

namespace chatkit::grade {
namespace {

// After the program has exited, its pipes are read until they close; a leftover of the program
// that escaped its group (outside the sandbox) may hold them open, so the wait is bounded.
constexpr std::uint64_t kDrainMs = 2000;

// The process groups of the programs still running (one loop thread uses it).
std::set<int>& running_groups() {
  static std::set<int> groups;
  return groups;
}

class Process {
 public:
  Process(uv_loop_t* loop, ProcessSpec spec, std::function<void(ProcessOutcome)> done)
      : loop_(loop),
        spec_(std::move(spec)),
        done_(std::move(done)),
        output_(spec_.max_output_bytes == 0 ? kMaxKeptOutputBytes : spec_.max_output_bytes) {}

  void start() {
    start_ns_ = uv_hrtime();
    uv_update_time(loop_);  // The loop may have waited on something else: budgets start now.
    uv_timer_init(loop_, &timer_);
    timer_.data = this;
    for (uv_pipe_t& pipe : pipes_) {
      uv_pipe_init(loop_, &pipe, 0);
      pipe.data = this;
    }
    handles_open_ = 4;  // The timer, the two pipes and the process.
    std::vector<char*> argv;
    for (std::string& arg : spec_.argv) argv.push_back(arg.data());
    argv.push_back(nullptr);
    env_ = environment();
    std::vector<char*> env;
    for (std::string& entry : env_) env.push_back(entry.data());
    env.push_back(nullptr);
    uv_stdio_container_t stdio[3];
    stdio[0].flags = UV_IGNORE;
    for (int i = 0; i < 2; ++i) {
      stdio[i + 1].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_WRITABLE_PIPE);
      stdio[i + 1].data.stream = reinterpret_cast<uv_stream_t*>(&pipes_[i]);
    }
    uv_process_options_t options{};
    options.file = argv[0];
    options.args = argv.data();
    options.env = env.data();
    options.cwd = spec_.cwd.empty() ? nullptr : spec_.cwd.c_str();
    options.flags = UV_PROCESS_DETACHED;
    options.stdio_count = 3;
    options.stdio = stdio;
    options.exit_cb = on_exit;
    process_.data = this;
    const int status = uv_spawn(loop_, &process_, &options);
    if (status != 0) {
      outcome_.spawn_error = "cannot start " + spec_.argv[0] + ": " + uv_strerror(status);
      exited_ = true;
      // A failed uv_spawn still initialised the handle: it is closed like any other.
      uv_close(reinterpret_cast<uv_handle_t*>(&process_), on_closed);
      close_all();
      return;
    }
    pid_ = process_.pid;
    running_groups().insert(pid_);
    for (uv_pipe_t& pipe : pipes_) {
      uv_read_start(reinterpret_cast<uv_stream_t*>(&pipe), on_alloc, on_read);
      ++pipes_reading_;
    }
    if (spec_.budget_seconds > 0) {
      uv_timer_start(&timer_, on_budget, static_cast<std::uint64_t>(spec_.budget_seconds * 1000),
                     0);
    }
  }

 private:
  std::vector<std::string> environment() const {
    std::map<std::string, std::string> entries;
    for (char** entry = environ; *entry != nullptr; ++entry) {
      const std::string text = *entry;
      entries[text.substr(0, text.find('='))] = text;
    }
    for (const std::string& text : spec_.env) entries[text.substr(0, text.find('='))] = text;
    std::vector<std::string> result;
    for (auto& [name, text] : entries) result.push_back(text);
    return result;
  }

  static void on_alloc(uv_handle_t*, std::size_t, uv_buf_t* buf) {
    static char chunk[64 * 1024];  // One loop thread: read callbacks never overlap.
    *buf = uv_buf_init(chunk, sizeof chunk);
  }

  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    auto* self = static_cast<Process*>(stream->data);
    if (nread > 0) {
      self->output_.append(std::string_view(buf->base, static_cast<std::size_t>(nread)));
    } else if (nread < 0) {
      uv_read_stop(stream);
      --self->pipes_reading_;
      self->maybe_finish();
    }
  }

  static void on_exit(uv_process_t* process, std::int64_t exit_status, int term_signal) {
    auto* self = static_cast<Process*>(process->data);
    self->exited_ = true;
    running_groups().erase(self->pid_);
    self->outcome_.exit_code = exit_status;
    self->outcome_.term_signal = term_signal;
    self->outcome_.seconds = static_cast<double>(uv_hrtime() - self->start_ns_) / 1e9;
    // Whatever of the group is left (outside the sandbox: what the program started) goes too.
    uv_kill(-self->pid_, SIGKILL);
    uv_timer_stop(&self->timer_);
    uv_timer_start(&self->timer_, on_drain_over, kDrainMs, 0);
    self->maybe_finish();
  }

  static void on_budget(uv_timer_t* timer) {
    auto* self = static_cast<Process*>(timer->data);
    self->outcome_.timed_out = true;
    if (self->spec_.terminate_first && !self->terminated_) {
      self->terminated_ = true;
      uv_kill(self->pid_, SIGTERM);
      uv_timer_start(timer, on_budget, static_cast<std::uint64_t>(self->spec_.grace_seconds * 1000),
                     0);
      return;
    }
    uv_kill(-self->pid_, SIGKILL);
  }

  static void on_drain_over(uv_timer_t* timer) {
    auto* self = static_cast<Process*>(timer->data);
    for (uv_pipe_t& pipe : self->pipes_) uv_read_stop(reinterpret_cast<uv_stream_t*>(&pipe));
    self->pipes_reading_ = 0;
    self->maybe_finish();
  }

  void maybe_finish() {
    if (!exited_ || pipes_reading_ > 0 || closing_) return;
    uv_close(reinterpret_cast<uv_handle_t*>(&process_), on_closed);
    close_all();
  }

  void close_all() {
    closing_ = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&timer_), on_closed);
    for (uv_pipe_t& pipe : pipes_) uv_close(reinterpret_cast<uv_handle_t*>(&pipe), on_closed);
  }

  static void on_closed(uv_handle_t* handle) {
    auto* self = static_cast<Process*>(handle->data);
    if (--self->handles_open_ > 0) return;
    self->outcome_.output = self->output_.text();
    self->outcome_.output_bytes = self->output_.total_bytes();
    auto done = std::move(self->done_);
    ProcessOutcome outcome = std::move(self->outcome_);
    delete self;
    done(std::move(outcome));
  }

  uv_loop_t* loop_;
  ProcessSpec spec_;
  std::function<void(ProcessOutcome)> done_;
  CappedOutput output_;
  std::vector<std::string> env_;
  uv_process_t process_{};
  uv_timer_t timer_{};
  uv_pipe_t pipes_[2]{};
  ProcessOutcome outcome_;
  std::uint64_t start_ns_ = 0;
  int pid_ = 0;
  int handles_open_ = 0;
  int pipes_reading_ = 0;
  bool exited_ = false;
  bool terminated_ = false;
  bool closing_ = false;
};

}  // namespace

void kill_running_processes() {
  for (int group : running_groups()) uv_kill(-group, SIGKILL);
}

void run_process(uv_loop_t* loop, ProcessSpec spec, std::function<void(ProcessOutcome)> done) {
  auto* process = new Process(loop, std::move(spec), std::move(done));
  process->start();
}

ProcessOutcome run_process_sync(ProcessSpec spec) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  ProcessOutcome result;
  run_process(&loop, std::move(spec), [&](ProcessOutcome outcome) { result = std::move(outcome); });
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  return result;
}

std::string describe_end(const ProcessOutcome& outcome) {
  if (!outcome.spawn_error.empty()) return outcome.spawn_error;
  if (outcome.term_signal != 0) {
    return "signal " + std::to_string(outcome.term_signal) + " (" + strsignal(outcome.term_signal) +
           ")";
  }
  return "exit status " + std::to_string(outcome.exit_code);
}

}  // namespace chatkit::grade
