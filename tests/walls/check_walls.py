#!/usr/bin/env python3
"""The walls of chatkit's folder tree, read from the code's #includes (and the Python exercises'
imports). Each wall keeps one part from leaning on another:

  kit-only-kit        kit/ includes only kit/: the kit is the bottom layer, usable by every
                      program and buildable on its own (the student build has no server).
  pure-framing        kit/framing, kit/diagnostics, kit/protocol and kit/time include no libuv and
                      no system header, only the C++ standard library: they compile unchanged to
                      WebAssembly for the viewer, and the fuzzers drive them in process.
  server-private      only server/ (and tests/) includes server/: the bridge, the benchmarks and
                      the exercises must not drag the server and its SQLite store in with them.
  tests-private       nothing outside tests/ includes tests/: what tests and other programs share
                      lives in harness/ or kit/.
  student-layer       kit/student includes only kit/student, kit/framing and system headers (the
                      socket calls it shows): no libuv, no reference-program code.
  student-programs    the exercises' starters and solutions include only what students use:
                      kit/student, kit/framing, kit/time, their own stage's headers, the C++
                      standard library and CLI11; in Python, only the standard library and the
                      course's socketfuncs.

Usage: check_walls.py [ROOT]            checks the tree at ROOT (default: this repository)
       check_walls.py --self-test       shows that each wall fails on a tree that crosses it
Exits 1 and lists every crossing, with file and line, when a wall is crossed.
"""
import os
import re
import sys
import tempfile

# The C++ standard library's headers (C++17), the only angle-bracket includes of pure code.
STANDARD_HEADERS = set("""
algorithm any array atomic bitset cassert cctype cerrno cfloat charconv chrono cinttypes climits
clocale cmath complex condition_variable csetjmp csignal cstdarg cstddef cstdint cstdio cstdlib
cstring ctime cwchar cwctype deque exception execution filesystem forward_list fstream functional
future initializer_list iomanip ios iosfwd iostream istream iterator limits list locale map
memory memory_resource mutex new numeric optional ostream queue random ratio regex scoped_allocator
set shared_mutex sstream stack stdexcept streambuf string string_view system_error thread tuple
type_traits typeindex typeinfo unordered_map unordered_set utility valarray variant vector
""".split())
PROJECT_DIRS = {"kit", "server", "client", "bridge", "exercises", "grade", "tests", "bench",
                "fuzz", "harness", "wasm-viewer"}
SOURCE_SUFFIXES = (".h", ".cc", ".cpp", ".c")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
STUDENT_PROGRAMS = re.compile(r"^exercises/(stage\d+|solutions/stage\d+)/(cpp|python)/")


def sources(root):
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith((".", "build"))]
        for name in files:
            path = os.path.join(folder, name)
            yield os.path.relpath(path, root).replace(os.sep, "/")


def includes(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, 1):
            match = INCLUDE.match(line)
            if match:
                yield number, match.group(1) == "<", match.group(2)


def python_imports(root, rel):
    pattern = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w., ]+))")
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, 1):
            match = pattern.match(line)
            if not match:
                continue
            names = match.group(1) or match.group(2)
            for name in names.split(","):
                module = name.strip().split(" ")[0].split(".")[0]
                if module:
                    yield number, module


def crossings(root):
    """Yields (wall, file, line, what) for every include that crosses a wall."""
    for rel in sources(root):
        top = rel.split("/", 1)[0]
        if rel.endswith(".py") and STUDENT_PROGRAMS.match(rel):
            stdlib = getattr(sys, "stdlib_module_names", None)
            for number, module in python_imports(root, rel):
                if module == "socketfuncs" or (stdlib is not None and module in stdlib):
                    continue
                yield "student-programs", rel, number, "import " + module
            continue
        if not rel.endswith(SOURCE_SUFFIXES):
            continue
        for number, angle, header in includes(root, rel):
            first = header.split("/", 1)[0]
            project = not angle and first in PROJECT_DIRS
            if rel.startswith("kit/") and project and first != "kit":
                yield "kit-only-kit", rel, number, header
            if re.match(r"^kit/(framing|diagnostics|protocol|time)/", rel):
                if angle and header not in STANDARD_HEADERS:
                    yield "pure-framing", rel, number, "<" + header + ">"
            if project and first == "server" and top not in ("server", "tests"):
                yield "server-private", rel, number, header
            if project and first == "tests" and top != "tests":
                yield "tests-private", rel, number, header
            if rel.startswith("kit/student/"):
                if project and not re.match(r"^kit/(student|framing)/", header):
                    yield "student-layer", rel, number, header
                if angle and header == "uv.h":
                    yield "student-layer", rel, number, "<uv.h>"
            if STUDENT_PROGRAMS.match(rel):
                if angle and header not in STANDARD_HEADERS and header != "CLI/CLI.hpp":
                    yield "student-programs", rel, number, "<" + header + ">"
                if not angle and "/" in header and \
                        not re.match(r"^kit/(student|framing|time)/", header):
                    yield "student-programs", rel, number, header


def check(root):
    found = list(crossings(root))
    for wall, rel, number, what in found:
        print(f"{rel}:{number}: crosses the wall '{wall}': includes {what}")
    return found


def self_test():
    """Builds a small tree that crosses each wall once and checks that each crossing is found."""
    cases = {
        "kit-only-kit": ("kit/net/x.cc", '#include "server/chat_server.h"\n'),
        "pure-framing": ("kit/framing/x.cc", "#include <uv.h>\n"),
        "server-private": ("bridge/x.cc", '#include "server/log.h"\n'),
        "tests-private": ("exercises/check/x.cc", '#include "tests/support/child_process.h"\n'),
        "student-layer": ("kit/student/x.cc", '#include "kit/net/tcp_stream.h"\n'),
        "student-programs": ("exercises/stage1/cpp/x.cpp", '#include "kit/store/history_store.h"\n'),
    }
    failures = 0
    for wall, (rel, text) in cases.items():
        with tempfile.TemporaryDirectory() as root:
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            with open(os.path.join(root, rel), "w") as f:
                f.write(text)
            walls = {found[0] for found in crossings(root)}
            if wall not in walls:
                print(f"self-test: the wall '{wall}' did not catch {rel}: {text.strip()}")
                failures += 1
            else:
                print(f"self-test: '{wall}' caught {rel}: {text.strip()}")
    with tempfile.TemporaryDirectory() as root:
        rel = "exercises/stage2/python/server.py"
        os.makedirs(os.path.dirname(os.path.join(root, rel)))
        with open(os.path.join(root, rel), "w") as f:
            f.write("import socket\nimport socketfuncs\nimport requests\n")
        found = [c for c in crossings(root)]
        if [c[3] for c in found] != ["import requests"]:
            print(f"self-test: a Python starter's imports were judged wrongly: {found}")
            failures += 1
        else:
            print("self-test: 'student-programs' caught a Python import beyond the standard library")
    return failures == 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(0 if self_test() else 1)
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    found = check(os.path.abspath(root))
    if found:
        print(f"{len(found)} includes cross a wall (see tests/walls/check_walls.py for why each "
              "wall is there); move what both sides need down to a folder both may use")
        sys.exit(1)
    print("every include stays within its walls")


if __name__ == "__main__":
    main()
