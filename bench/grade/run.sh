#!/bin/sh
# Grading throughput: times chat-grade on a class of correct stage-2 C++ submissions (copies of
# exercises/solutions/stage2/cpp), and prints students per minute with the mean build and check
# time per student. Not a ctest: it takes minutes and measures the machine.
#
#   bench/grade/run.sh [BUILD_DIR] [STUDENTS] [chat-grade options...]
#   bench/grade/run.sh build 100                  # the figures of docs/performance.md
#   bench/grade/run.sh build 100 --jobs 16        # another parallelism
#   bench/grade/run.sh build 20 --no-pch          # without the precompiled header
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
students=${2:-100}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift
grade="$build/grade/chat-grade"
if [ ! -x "$grade" ]; then
  echo "run.sh: no $grade: cmake --build $build --target chat-grade" >&2
  exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/chat-grade-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
i=1
while [ "$i" -le "$students" ]; do
  name=$(printf 'student%03d' "$i")
  mkdir -p "$work/class/$name"
  cp "$root"/exercises/solutions/stage2/cpp/*.cpp "$work/class/$name/"
  i=$((i + 1))
done
echo "grading $students stage-2 C++ submissions on $(nproc) cores ($*)"
"$grade" --stage 2 --out "$work/out" "$@" "$work/class" >"$work/progress.txt"
tail -n 1 "$work/progress.txt"
# Students without full marks (a correct submission should not be one).
grep -v '^\[.*: \([0-9]*\)/\1 passed' "$work/progress.txt" | grep '^\[' || true
# "[3/100] student007: 21/21 passed, 14.2 s (build 8.1 s, checks 6.0 s)"
awk '/^\[/ { n++; split($3, p, "/"); if (p[1] == p[2]) full++;
             gsub(/[()]/, ""); b += $8; c += $11 }
     END { if (n) printf "per student: build %.1f s, checks %.1f s (means); %d of %d with full marks\n",
                          b / n, c / n, full, n }' "$work/progress.txt"
