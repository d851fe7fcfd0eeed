#!/usr/bin/env bash
# Runs every test suite: installs what is needed, builds the default and the sanitizer
# (ASan + UBSan) presets, and runs ctest on both, then the fuzzers for a bounded time. Exits
# non-zero if anything fails. (The Windows cross build under Wine, scripts/windows/test.sh, is
# still being finished and joins this run once it passes from a fresh clone.)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/install-deps.sh "$@"

echo "== build: default"
scripts/build.sh default
echo "== test: default"
ctest --preset default

echo "== build: asan"
scripts/build.sh asan
echo "== test: asan (AddressSanitizer + UndefinedBehaviorSanitizer)"
ctest --preset asan

echo "== fuzz: every libFuzzer target for 60 s over its seed corpus (fuzz preset)"
fuzz/run.sh --seconds 60
