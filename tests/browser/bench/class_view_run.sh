#!/bin/sh
# The class view's benchmark in one command (issue 15; docs/performance.md, "Class view"):
#   tests/browser/bench/class_view_run.sh [--build DIR] [--rounds 5] [--duration 5] [--posts 100] [--json FILE]
# Builds chat-server, chat-load and the page in DIR (default: build), installs playwright-core into
# DIR's npm tree as the browser tests do (no browser is downloaded: it drives /usr/bin/chromium),
# and runs class_view_bench.js, which prints the table: run.sh's steps, with this benchmark.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CHATKIT_BENCH_SCRIPT=class_view_bench.js exec "$here/run.sh" "$@"
