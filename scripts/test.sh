#!/usr/bin/env bash
# Runs every test suite: installs what is needed, builds the default and the sanitizer
# (ASan + UBSan) presets and runs ctest on both, cross-builds for Windows and runs its suites
# under Wine (scripts/windows/test.sh, docs/windows.md), then runs the fuzzers for a bounded
# time. Exits non-zero if anything fails.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/install-deps.sh "$@"

echo "== build: default"
scripts/build.sh default
echo "== format: clang-format check of our sources (cmake --build build --target format fixes)"
cmake --build build --target format-check
echo "== test: default"
ctest --preset default

echo "== build: asan"
scripts/build.sh asan
echo "== test: asan (AddressSanitizer + UndefinedBehaviorSanitizer)"
ctest --preset asan

echo "== build and test: Windows (mingw-w64 cross build, suites under Wine)"
scripts/windows/test.sh

echo "== fuzz: every libFuzzer target for 60 s over its seed corpus (fuzz preset)"
fuzz/run.sh --seconds 60
