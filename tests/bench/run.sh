#!/usr/bin/env bash
# The performance comparison of docs/performance.md, from a fresh clone, in one command:
#
#   tests/bench/run.sh                  # every figure, about ten minutes on 2 cores
#   tests/bench/run.sh --update-docs    # ...and put the table and the plot into docs/
#   tests/bench/run.sh --quick          # small and short: checks that everything works
#   tests/bench/run.sh --only read,replay
#
# It installs what is needed (scripts/install-deps.sh), builds the default preset (optimized,
# assertions off), and runs tests/bench/compare.py on build/; any other argument goes to
# compare.py (--help lists them). Measure on a quiet machine: the figures are ratios measured
# in the same run, but two cores shared with a compiler still make every figure noisy.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
scripts/install-deps.sh
scripts/build.sh default
exec python3 -B tests/bench/compare.py --build build "$@"
