#!/usr/bin/env bash
# Runs a test binary as an unprivileged user, for the tests that check file permissions: root
# ignores permissions, so as root those tests can only skip. Here they must really run.
#   run_unprivileged.sh <test binary> [gtest args...]
set -euo pipefail
binary="$1"
shift
if [[ $(id -u) -ne 0 ]]; then
  runner=()
else
  # A copy in a fresh world-readable directory: the build tree may not be reachable for nobody.
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  cp "$binary" "$dir/"
  chmod 755 "$dir" "$dir/$(basename "$binary")"
  binary="$dir/$(basename "$binary")"
  runner=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
fi
output=$(cd /tmp && "${runner[@]}" "$binary" "$@" 2>&1) || { echo "$output"; exit 1; }
echo "$output"
if grep -q "\[  SKIPPED \]" <<<"$output"; then
  echo "run_unprivileged: a permission test skipped even without root privileges" >&2
  exit 1
fi
