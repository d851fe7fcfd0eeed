#!/usr/bin/env bash
# Builds the `fuzz` preset (clang, libFuzzer, ASan + UBSan) and runs every fuzz target over its
# committed seed corpus, all targets at once, each for a bounded time. The targets run side by
# side, so the job takes `--seconds` of wall time however many there are (5 now: each gets a
# fifth of the machine's cores when there are fewer cores than targets). Exits non-zero when a
# target finds a crash or a broken invariant; the input is saved in build-fuzz/artifacts/ and the
# line to reproduce it is printed.
#
#   fuzz/run.sh                       # 60 s each (what CI runs, from scripts/test.sh)
#   fuzz/run.sh --seconds 600         # longer
#   fuzz/run.sh --runs 10000000 frame_decoder   # a fixed number of executions, one target
#   fuzz/run.sh --merge               # afterwards, add the inputs that found new coverage to
#                                     # fuzz/corpus/ (then commit them)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

seconds=60
runs=""
merge=0
targets=()
while (( $# > 0 )); do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --merge) merge=1; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
(( ${#targets[@]} > 0 )) || targets=(frame_decoder server_session client_session history_log mistakes)

# Longest input per target: long enough for several frames and every state, short enough that
# one execution stays well under a millisecond (the decoder is fed hundreds of ways per input).
max_len() {
  case "$1" in
    frame_decoder) echo 256 ;;
    server_session) echo 1024 ;;
    client_session) echo 1024 ;;
    history_log) echo 512 ;;
    mistakes) echo 512 ;;
    *) echo 1024 ;;
  esac
}

echo "fuzz: building the fuzz preset"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

artifacts="$root/build-fuzz/artifacts"
work="$root/build-fuzz/work"
mkdir -p "$artifacts"
pids=()
for target in "${targets[@]}"; do
  binary="$root/build-fuzz/fuzz/fuzz_$target"
  [[ -x "$binary" ]] || { echo "fuzz: no target $target" >&2; exit 2; }
  # New inputs go to a scratch corpus, so that the committed seeds change only by --merge.
  rm -rf "${work:?}/$target"
  mkdir -p "$work/$target"
  limit=(-max_total_time="$seconds")
  [[ -n "$runs" ]] && limit=(-runs="$runs")
  "$binary" "${limit[@]}" -max_len="$(max_len "$target")" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/$target-" \
    "$work/$target" "fuzz/corpus/$target" >"$work/$target.log" 2>&1 &
  pids+=($!)
done

failed=0
for i in "${!targets[@]}"; do
  target="${targets[$i]}"
  if wait "${pids[$i]}"; then status=0; else status=$?; fi
  executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$target.log" | grep -o '[0-9]*$' || true)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$work/$target.log" | grep -o '[0-9]*$' || true)
  if (( status != 0 )); then
    failed=1
    echo "fuzz: $target FAILED (exit $status). Its log:"
    tail -n 60 "$work/$target.log"
    crash=$(grep -o "Test unit written to .*" "$work/$target.log" | sed 's/Test unit written to //' |
      tail -1 || true)
    if [[ -n "$crash" ]]; then
      echo "fuzz: reproduce with: build-fuzz/fuzz/fuzz_$target $crash"
    fi
  else
    echo "fuzz: $target ok: ${executions:-?} executions (${rate:-?}/s), no crash"
  fi
  if (( merge == 1 && status == 0 )); then
    "$root/build-fuzz/fuzz/fuzz_$target" -merge=1 -max_len="$(max_len "$target")" \
      "fuzz/corpus/$target" "$work/$target" >>"$work/$target.log" 2>&1
    echo "fuzz: $target corpus now $(ls "fuzz/corpus/$target" | wc -l) inputs"
  fi
done
exit "$failed"
