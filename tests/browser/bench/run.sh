#!/bin/sh
# The viewer's benchmark in one command (issue 14; docs/performance.md, "The browser viewer"):
#   tests/browser/bench/run.sh [--build DIR] [--sizes 1000,10000,100000] [--profile DIR] [--json FILE]
# Builds what it needs in DIR (default: build), installs playwright-core into DIR's npm tree as the
# browser tests do (no browser is downloaded: it drives /usr/bin/chromium), and runs
# viewer_bench.js, which prints the table. Relative paths are relative to the source tree.
# (class_view_run.sh runs class_view_bench.js the same way, through CHATKIT_BENCH_SCRIPT.)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../../.." && pwd)
cd "$source_dir"
build=build
for arg in "$@"; do
  if [ "${prev:-}" = "--build" ]; then build=$arg; fi
  prev=$arg
done
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake --preset default -B "$build" >/dev/null
fi
cmake --build "$build" -j2 --target chat-server chat-load chatkit_viewer >/dev/null
npm_dir=$build/tests/browser/npm
cmake -DNPM="$(command -v npm)" -DSOURCE_DIR="$source_dir/tests/browser" -DBINARY_DIR="$npm_dir" \
      -P "$source_dir/tests/browser/npm_ci.cmake" >/dev/null
case " $* " in *" --build "*) ;; *) set -- --build "$build" "$@" ;; esac
bench=${CHATKIT_BENCH_SCRIPT:-viewer_bench.js}
NODE_PATH=$npm_dir/node_modules PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 exec node "$here/$bench" "$@"
