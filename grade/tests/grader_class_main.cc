// grader_class_fixture: grades a class put together from test submissions, as chat-grade does,
// and writes what came out as JSON for grader_class_test.cc (a ctest fixture: one grading run,
// many tests reading its results).
//
//   grader_class_fixture --stage N --dump FILE [--budget S] [--build-budget S] [--max-file-size B]
//                        [--no-sandbox]
//                        STUDENT=PATH[+PATH...] ...
//
// Each STUDENT's folder is the PATHs copied in order (a folder's contents, or one file), later
// ones over earlier ones. While grading, it holds 127.0.0.1:10000 on this machine's loopback
// (when free: either way the port is taken), sets CHATKIT_GRADE_TEST_TOKEN to a token of its
// own for the submissions to put on their processes' command lines, and afterwards counts the
// processes still carrying it ("survivors").
#include <uv.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "grade/fs.h"
#include "grade/grader.h"
#include "kit/cli/parse_command_line.h"

namespace {

using namespace chatkit::grade;

bool build_student(const std::string& class_dir, const std::string& spec, std::string* error) {
  const std::size_t equals = spec.find('=');
  if (equals == std::string::npos) {
    *error = "not STUDENT=PATH[+PATH...]: " + spec;
    return false;
  }
  const std::string dir = class_dir + "/" + spec.substr(0, equals);
  if (!make_dirs(dir, error)) return false;
  std::string paths = spec.substr(equals + 1) + "+";
  for (std::size_t start = 0, plus; (plus = paths.find('+', start)) != std::string::npos;
       start = plus + 1) {
    const std::string path = paths.substr(start, plus - start);
    if (is_directory(path)) {
      if (!copy_tree(path, dir, error)) return false;
      continue;
    }
    std::string contents;
    if (!read_file(path, &contents)) {
      *error = "cannot read " + path;
      return false;
    }
    if (!write_file(dir + "/" + path.substr(path.find_last_of('/') + 1), contents, error)) {
      return false;
    }
  }
  return true;
}

// Processes whose command line holds `token` (Linux's /proc; 0 elsewhere).
int count_processes_with(const std::string& token) {
  std::vector<DirEntry> entries;
  std::string error;
  if (!list_dir("/proc", &entries, &error)) return 0;
  int count = 0;
  for (const DirEntry& entry : entries) {
    if (entry.name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline;
    if (read_file("/proc/" + entry.name + "/cmdline", &cmdline) &&
        cmdline.find(token) != std::string::npos) {
      ++count;
    }
  }
  return count;
}

nlohmann::json to_json(const StudentResult& student) {
  nlohmann::json checks = nlohmann::json::array();
  int passed = 0;
  for (const CheckResult& check : student.checks) {
    passed += check.status == "passed";
    checks.push_back({{"name", check.name},
                      {"status", check.status},
                      {"message", check.message.substr(0, 2000)}});
  }
  return {{"student", student.student},
          {"language", static_cast<int>(student.language)},
          {"build", static_cast<int>(student.build)},
          {"build_output", student.build_output},
          {"run", static_cast<int>(student.run)},
          {"run_output_bytes", student.run_output.size()},
          {"run_output_end", student.run_output.substr(student.run_output.size() > 3000
                                                           ? student.run_output.size() - 3000
                                                           : 0)},
          {"problem", student.problem},
          {"seconds", student.seconds},
          {"passed", passed},
          {"checks", checks}};
}

}  // namespace

int main(int argc, char** argv) {
  GradeOptions options;
  std::string dump_path;
  std::vector<std::string> students;
  bool no_sandbox = false;
  CLI::App app{"Grades a class of test submissions and writes the results as JSON"};
  app.add_option("--stage", options.stage)->required();
  app.add_option("--dump", dump_path)->required();
  app.add_option("--budget", options.run_budget_seconds);
  app.add_option("--build-budget", options.build_budget_seconds);
  app.add_option("--max-file-size", options.limits.max_file_size);
  app.add_flag("--no-sandbox", no_sandbox);
  app.add_option("students", students)->required();
  if (auto status = chatkit::parse_command_line(app, argc, argv, "grader_class_fixture")) {
    return *status;
  }
  options.sandbox = !no_sandbox;
  options.jobs = static_cast<unsigned>(students.size());  // Everyone at once: the worst case.

  uv_fs_t request{};
  std::string tmp = "/tmp";
  if (const char* env = std::getenv("TMPDIR")) tmp = env;
  std::string class_dir;
  if (uv_fs_mkdtemp(nullptr, &request, (tmp + "/grader-class-XXXXXX").c_str(), nullptr) == 0) {
    class_dir = request.path;
  }
  uv_fs_req_cleanup(&request);
  std::string error;
  for (const std::string& spec : students) {
    if (class_dir.empty() || !build_student(class_dir, spec, &error)) {
      std::fprintf(stderr, "grader_class_fixture: %s\n", error.c_str());
      return 1;
    }
  }
  const std::string token =
      "chatkit-grade-test-" + std::to_string(uv_os_getpid()) + "-" + std::to_string(uv_hrtime());
  uv_os_setenv("CHATKIT_GRADE_TEST_TOKEN", token.c_str());

  // The fixed port, taken on this machine's loopback while the class is graded.
  uv_loop_t loop;
  uv_loop_init(&loop);
  uv_tcp_t holder;
  uv_tcp_init(&loop, &holder);
  sockaddr_in address{};
  uv_ip4_addr("127.0.0.1", 10000, &address);
  const bool held = uv_tcp_bind(&holder, reinterpret_cast<const sockaddr*>(&address), 0) == 0 &&
                    uv_listen(reinterpret_cast<uv_stream_t*>(&holder), 8, nullptr) == 0;

  Grading grading;
  std::string notes;
  if (!prepare_grading(options, &grading, &notes, &error)) {
    std::fprintf(stderr, "grader_class_fixture: %s\n", error.c_str());
    return 1;
  }
  if (!notes.empty()) std::fprintf(stderr, "grader_class_fixture: %s\n", notes.c_str());
  std::vector<Submission> submissions;
  if (!list_submissions(class_dir, &submissions, &error)) {
    std::fprintf(stderr, "grader_class_fixture: %s\n", error.c_str());
    return 1;
  }
  const ClassResult klass = grade_submissions(
      grading, submissions,
      [](const StudentResult& student) {
        std::printf("%s: %.1f s, %s\n", student.student.c_str(), student.seconds,
                    student.problem.c_str());
        std::fflush(stdout);
      },
      [](const std::string& note) { std::printf("note: %s\n", note.c_str()); });
  const int survivors = count_processes_with(token);
  uv_close(reinterpret_cast<uv_handle_t*>(&holder), nullptr);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  remove_tree(class_dir);

  nlohmann::json dump = {{"stage", klass.stage},
                         {"sandboxed", grading.isolation.sandboxed},
                         {"max_memory", grading.isolation.limits.max_memory},
                         {"seconds", klass.seconds},
                         {"parallel", klass.parallel},
                         {"stage_checks", klass.stage_checks.size()},
                         {"survivors", survivors},
                         {"port_10000_held_here", held},
                         {"students", nlohmann::json::array()}};
  for (const StudentResult& student : klass.students) dump["students"].push_back(to_json(student));
  make_dirs(dump_path.substr(0, dump_path.find_last_of('/')), &error);
  std::ofstream out(dump_path);
  out << dump.dump(2) << "\n";
  std::printf("graded %zu students in %.1f s; %d survivors\n", klass.students.size(), klass.seconds,
              survivors);
  return out ? 0 : 1;
}
