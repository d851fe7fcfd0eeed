#!/usr/bin/env bash
# The windows-cross build's CMAKE_CROSSCOMPILING_EMULATOR (cmake/toolchains/x86_64-w64-mingw32.cmake):
# ctest starts every Windows program through this script, which runs it under Wine.
#
#   scripts/windows/wine-emulator.sh WINE PROGRAM.exe [ARGS...]     (WINE: the wine to run)
#
# Test runs are passed straight to wine: their exit status is the test's verdict.
#
# Test listing is the one exception. When ctest starts, gtest_discover_tests runs each test binary
# with --gtest_list_tests, and a single failed listing stops ctest before any test runs. In CI a
# listing once failed with exit status 1 and no output at all, while the same binary listed its
# tests on every run before and after: a failure to start the program under Wine, not something
# the binary did. A listing runs no test and asserts nothing, so it is retried (three attempts),
# and every failed attempt is reported on stderr with its exit status and Wine's own messages.
set -uo pipefail

wine="$1"
shift

listing=false
for arg in "$@"; do
  [[ "$arg" == --gtest_list_tests ]] && listing=true
done
$listing || exec "$wine" "$@"

attempts=3
err="$(mktemp "${TMPDIR:-/tmp}/chatkit-wine-list.XXXXXX")"
trap 'rm -f "$err"' EXIT
for ((attempt = 1; ; attempt++)); do
  out="$("$wine" "$@" 2>"$err")"
  status=$?
  if ((status == 0)); then
    printf '%s\n' "$out"
    exit 0
  fi
  {
    echo "wine-emulator: listing the tests of ${1##*/} failed (attempt $attempt of $attempts," \
      "exit status $status)"
    [[ -s "$err" ]] && sed 's/^/  stderr| /' "$err"
    [[ -n "$out" ]] && printf '%s\n' "$out" | sed 's/^/  stdout| /'
  } >&2
  if ((attempt == attempts)); then
    [[ -n "$out" ]] && printf '%s\n' "$out"
    exit "$status"
  fi
  sleep 2
done
