// How chat-grade compiles a C++ submission: the compiler CMake found, against the student layer
// exactly as exercises/CMakeLists.txt builds the starters (stage 1: the student's socketfuncs.cpp,
// exercises/stage1/cpp's socketfuncs.h and chatkit_student_sockets; stages 2 and 3:
// chatkit_student; every stage: chatkit_protocol and CLI11's headers). No CMake per student: one
// compiler command per program (compile and link), which is several times quicker.
//
// Precompiled header. CLI/CLI.hpp alone costs about 4 s of compiling per file here, and every
// student program includes it: chat-grade compiles the standard headers, CLI11 and the student
// socket layer once per grading run into a precompiled header and forces it into every student
// file with -include (so it applies whatever the file includes, and in what order: the header
// has include guards, so a file's own #include <CLI/CLI.hpp> costs nothing afterwards). The
// header is built with the very flags the students' files get, as GCC and Clang require.
//
// Code generated once (Clang). Even precompiled, most of a program's compile is generating code
// for the CLI11 functions it uses: they are inline, so every program emits its own copy, and a
// GCC precompiled header cannot hold generated code (3.1 s of processor time per program here,
// 2 s of it that). Clang's -fpch-codegen puts that code into one object built with the header,
// which every program links (with --gc-sections, so a program keeps only what it uses); a
// program then compiles and links in about 0.45 s. So students' programs are compiled with Clang
// when CMake found one and the build is not instrumented (an ASan build's student layer needs the
// sanitizer runtime of the compiler that built it), and with the build's own compiler otherwise.
#ifndef CHATKIT_GRADE_TOOLCHAIN_H_
#define CHATKIT_GRADE_TOOLCHAIN_H_

#include <string>
#include <vector>

#include "grade/process.h"

namespace chatkit::grade {

struct Toolchain {
  std::string compiler;                   // CMAKE_CXX_COMPILER.
  std::string compiler_id;                // "GNU", "Clang", ...
  std::vector<std::string> flags;         // For compiling and linking (the build's own, e.g. ASan).
  std::vector<std::string> link_flags;    // CMAKE_EXE_LINKER_FLAGS.
  std::vector<std::string> include_dirs;  // The source tree (kit/...), CLI11's.
  std::string stage1_include_dir;         // exercises/stage1/cpp: the given socketfuncs.h.
  std::vector<std::string> libraries;     // Stages 2 and 3, in link order.
  std::vector<std::string> stage1_libraries;  // Stage 1 (no kit socketfuncs).
  // "" = no precompiled header; see build_pch_commands(). With Clang, also the object holding
  // the header's generated code, which every program links.
  std::string pch_header;
  std::string pch_object;

  bool is_clang() const { return compiler_id.find("Clang") != std::string::npos; }
};

// The toolchain of this build (paths filled in by CMake at configure time).
Toolchain configured_toolchain();

// Writes the precompiled header's source into `dir` and returns the commands that build it, to
// run in order (GCC: one; Clang: the header, then the object of its generated code). Empty with
// *error when the source cannot be written. Once they all succeeded, use_pch(&toolchain, dir).
std::vector<ProcessSpec> build_pch_commands(const Toolchain& toolchain, const std::string& dir,
                                            std::string* error);
// Makes every later compile_command() use the precompiled header built in `dir`.
void use_pch(Toolchain* toolchain, const std::string& dir);

// The command that builds one program: `main_source` (server.cpp or client.cpp) and
// `extra_sources` from `source_dir` into `output`, for `stage`. With `source_dir` "." the files
// are named as they are (for a compiler run in that folder: its errors then say "server.cpp:5").
std::vector<std::string> compile_command(const Toolchain& toolchain, int stage,
                                         const std::string& source_dir,
                                         const std::string& main_source,
                                         const std::vector<std::string>& extra_sources,
                                         const std::string& output);

}  // namespace chatkit::grade

#endif  // CHATKIT_GRADE_TOOLCHAIN_H_
