// chat-sandbox: runs one command (chat-grade's check run of one student) contained, on Linux.
//
//   chat-sandbox [--uid N --gid N] [--chown DIR] [--max-processes N] [--max-file-size BYTES]
//                [--max-memory BYTES] -- PROGRAM ARGS...
//   chat-sandbox --probe     exit 0 when the sandbox can be made here, else 1 and one line why
//
// What it makes: a network namespace of its own whose loopback is brought up (127.0.0.1 and ::1
// belong to this command alone: a submission binding a fixed port collides with nobody), and a
// pid namespace whose first process (this program's "init") runs PROGRAM, reaps every orphan,
// and when PROGRAM ends kills whatever PROGRAM left behind: nothing of the submission survives
// the run. When not root, a user namespace too (unprivileged user namespaces), in which the
// caller's uid is 0. And a mount namespace of its own whose /proc is the new pid namespace's
// (programs that read /proc/<their pid>, as AddressSanitizer's leak check does, find themselves;
// a submission sees only its own processes); where that mount is refused (some containers),
// /proc stays the machine's and the rest still holds. PROGRAM runs with RLIMIT_NPROC
// (--max-processes: a fork loop stops there; counted per user: as root, give each parallel sandbox
// its own --uid, an unprivileged uid that nothing else uses, and --chown its working folder to it;
// in a user namespace, Linux 5.14 and later count a namespace's processes apart), RLIMIT_FSIZE
// (--max-file-size: a program printing without end into its output file gets EFBIG or SIGXFSZ),
// RLIMIT_AS (--max-memory: the address space of each process; an allocation beyond it fails, as
// Python's MemoryError or C++'s std::bad_alloc, instead of the machine running out of memory) and
// RLIMIT_CORE 0.
//
// Exit status: PROGRAM's own, 128 + N when signal N ended it, 125 when the sandbox could not be
// made (with a line "chat-sandbox: <step>: <reason>" on stderr), 127 when PROGRAM could not be
// started. On SIGTERM (chat-grade's time budget ran out) it stops everything in the sandbox and
// exits 124. Whenever it stops processes it says how many on stderr, as the last line:
//   chat-sandbox: stopped N processes (the program had ended | time ran out)
// (chat-grade reads that line).
//
// Linux only, and raw system calls (unshare(2), ioctl(SIOCSIFFLAGS), prctl): libuv has no
// namespaces. chat-grade itself stays on libuv and falls back to a process group per student
// where this program cannot run (grade/isolation.h).
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr int kSetupFailed = 125;
constexpr int kTimeRanOut = 124;

struct Options {
  bool probe = false;
  long uid = -1;
  long gid = -1;
  std::string chown_dir;
  long max_processes = 0;  // 0 = no limit.
  long long max_file_size = 0;
  long long max_memory = 0;
  std::vector<char*> command;
};

[[noreturn]] void fail(const char* step) {
  std::fprintf(stderr, "chat-sandbox: %s: %s\n", step, std::strerror(errno));
  std::exit(kSetupFailed);
}

[[noreturn]] void usage(const char* what) {
  std::fprintf(
      stderr,
      "chat-sandbox: %s\nusage: chat-sandbox [--uid N --gid N] [--chown DIR] "
      "[--max-processes N] [--max-file-size BYTES] [--max-memory BYTES] -- PROGRAM ARGS...\n"
      "       chat-sandbox --probe\n",
      what);
  std::exit(2);
}

long long number(const char* text, const char* option) {
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < 0) {
    usage((std::string(option) + " takes a number 0 or more, got '" + text + "'").c_str());
  }
  return value;
}

Options parse(int argc, char** argv) {
  Options options;
  int i = 1;
  for (; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--") {
      ++i;
      break;
    } else if (arg == "--probe") {
      options.probe = true;
    } else if (arg == "--uid" && has_value) {
      options.uid = static_cast<long>(number(argv[++i], "--uid"));
    } else if (arg == "--gid" && has_value) {
      options.gid = static_cast<long>(number(argv[++i], "--gid"));
    } else if (arg == "--chown" && has_value) {
      options.chown_dir = argv[++i];
    } else if (arg == "--max-processes" && has_value) {
      options.max_processes = static_cast<long>(number(argv[++i], "--max-processes"));
    } else if (arg == "--max-file-size" && has_value) {
      options.max_file_size = number(argv[++i], "--max-file-size");
    } else if (arg == "--max-memory" && has_value) {
      options.max_memory = number(argv[++i], "--max-memory");
    } else {
      usage(("unknown option or missing value: " + arg).c_str());
    }
  }
  for (; i < argc; ++i) options.command.push_back(argv[i]);
  if (!options.probe && options.command.empty()) usage("no command after --");
  options.command.push_back(nullptr);
  return options;
}

void write_text(const char* path, const std::string& text) {
  const int fd = open(path, O_WRONLY);
  if (fd < 0) fail(path);
  if (write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) fail(path);
  close(fd);
}

// The new network namespace's loopback starts down; up, the kernel gives it 127.0.0.1 and ::1.
void bring_loopback_up() {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail("socket for the loopback");
  ifreq request{};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  if (ioctl(fd, SIOCGIFFLAGS, &request) != 0) fail("read the loopback's flags");
  request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP | IFF_RUNNING);
  if (ioctl(fd, SIOCSIFFLAGS, &request) != 0) fail("bring the loopback up");
  close(fd);
}

uid_t chown_uid;
gid_t chown_gid;
int chown_entry(const char* path, const struct stat*, int, FTW*) {
  return lchown(path, chown_uid, chown_gid) == 0 ? 0 : -1;
}

void set_limit(int resource, rlim_t value, const char* what) {
  const rlimit limit{value, value};
  if (setrlimit(resource, &limit) != 0) fail(what);
}

// In the child that becomes PROGRAM: limits, then the unprivileged uid, then exec.
[[noreturn]] void run_program(const Options& options) {
  signal(SIGTERM, SIG_DFL);
  if (options.max_processes > 0) {
    set_limit(RLIMIT_NPROC, static_cast<rlim_t>(options.max_processes), "RLIMIT_NPROC");
  }
  if (options.max_file_size > 0) {
    set_limit(RLIMIT_FSIZE, static_cast<rlim_t>(options.max_file_size), "RLIMIT_FSIZE");
  }
  if (options.max_memory > 0) {
    set_limit(RLIMIT_AS, static_cast<rlim_t>(options.max_memory), "RLIMIT_AS");
  }
  set_limit(RLIMIT_CORE, 0, "RLIMIT_CORE");
  if (options.uid >= 0) {
    if (setgroups(0, nullptr) != 0) fail("setgroups");
    if (setgid(static_cast<gid_t>(options.gid >= 0 ? options.gid : options.uid)) != 0) {
      fail("setgid");
    }
    if (setuid(static_cast<uid_t>(options.uid)) != 0) fail("setuid");
  }
  execvp(options.command[0], options.command.data());
  std::fprintf(stderr, "chat-sandbox: cannot start %s: %s\n", options.command[0],
               std::strerror(errno));
  std::_Exit(127);
}

volatile sig_atomic_t stop_requested = 0;
void on_sigterm(int) {
  stop_requested = 1;
}

// Kills every other process of the namespace and reaps them all; returns how many there were.
int stop_everything() {
  kill(-1, SIGKILL);
  int count = 0;
  while (true) {
    const pid_t pid = waitpid(-1, nullptr, 0);
    if (pid > 0) {
      ++count;
    } else if (errno != EINTR) {
      break;
    }
  }
  return count;
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return kSetupFailed;
}

// Process 1 of the pid namespace: runs PROGRAM, reaps orphans until PROGRAM ends (or SIGTERM),
// then stops what is left. When process 1 ends, the kernel kills whatever is still in the
// namespace anyway; stopping it here first lets us count it.
[[noreturn]] void run_init(const Options& options) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // The launcher killed: the whole namespace goes.
  bring_loopback_up();
  if (options.probe) std::_Exit(0);
  // Private first: a mount in a namespace whose mounts propagate would replace the machine's
  // own /proc.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0) {
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
  }
  if (!options.chown_dir.empty() && options.uid >= 0) {
    chown_uid = static_cast<uid_t>(options.uid);
    chown_gid = static_cast<gid_t>(options.gid >= 0 ? options.gid : options.uid);
    if (nftw(options.chown_dir.c_str(), chown_entry, 16, FTW_PHYS) != 0) fail("chown");
  }
  struct sigaction action {};
  action.sa_handler = on_sigterm;  // No SA_RESTART: waitpid returns EINTR.
  sigaction(SIGTERM, &action, nullptr);
  const pid_t program = fork();
  if (program < 0) fail("fork");
  if (program == 0) run_program(options);
  int program_status = 0;
  bool program_ended = false;
  while (!program_ended && !stop_requested) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid == program) {
      program_status = status;
      program_ended = true;
    } else if (pid < 0 && errno != EINTR) {
      break;
    }
  }
  const int stopped = stop_everything();
  if (stopped > 0 || !program_ended) {
    std::fprintf(stderr, "chat-sandbox: stopped %d processes (%s)\n", stopped,
                 program_ended ? "the program had ended" : "time ran out");
  }
  std::_Exit(program_ended ? exit_code_of(program_status) : kTimeRanOut);
}

pid_t init_pid = -1;
void forward_sigterm(int) {
  if (init_pid > 0) kill(init_pid, SIGTERM);
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  const uid_t uid = getuid();
  const gid_t gid = getgid();
  int flags = CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWNS;
  if (uid != 0) flags |= CLONE_NEWUSER;  // Root needs none; a user gets its capabilities here.
  if (unshare(flags) != 0) {
    std::fprintf(stderr, "chat-sandbox: cannot make %s namespaces: %s\n",
                 uid != 0 ? "user, network, pid and mount" : "network, pid and mount",
                 std::strerror(errno));
    return options.probe ? 1 : kSetupFailed;
  }
  if (uid != 0) {
    write_text("/proc/self/setgroups", "deny");
    write_text("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1");
    write_text("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1");
  }
  struct sigaction action {};
  action.sa_handler = forward_sigterm;
  sigaction(SIGTERM, &action, nullptr);
  init_pid = fork();  // The first child in the new pid namespace is its process 1.
  if (init_pid < 0) fail("fork");
  if (init_pid == 0) run_init(options);
  int status = 0;
  while (waitpid(init_pid, &status, 0) < 0) {
    if (errno != EINTR) fail("waitpid");
  }
  if (options.probe && status != 0) {
    std::fprintf(stderr,
                 "chat-sandbox: the loopback of a new network namespace cannot be set up\n");
    return 1;
  }
  return exit_code_of(status);
}
