#!/usr/bin/env bash
# The Windows job: builds chatkit's Windows dependencies from Debian's sources (build-deps.sh,
# skipped when built), cross-builds everything with the windows-cross preset (mingw-w64, into
# build-win/) and runs the test suites under Wine, headless, in a throw-away Wine prefix.
# scripts/test.sh runs it after the native suites; docs/windows.md explains it.
#
#   scripts/windows/test.sh                 everything
#   scripts/windows/test.sh -L stage2       extra arguments go to ctest
#
# Run scripts/install-deps.sh (as root) first on a fresh machine; the first run also needs root
# once, to add a deb-src entry for apt (build-deps.sh says so when it is missing).
set -euo pipefail
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "$0")/common.sh"
cd "$chatkit_root"

command -v wine >/dev/null || die "wine not found: run scripts/install-deps.sh (as root)"
started=$SECONDS
scripts/windows/build-deps.sh

log "build: windows-cross (build-win/)"
cmake --preset windows-cross >/dev/null
cmake --build --preset windows-cross
built=$SECONDS

# Wine gets a prefix of its own (never ~/.wine), no debug output, and no dialogs offering to
# install Mono or Gecko; its server stays up for the whole run, and is stopped at the end even
# when a test fails or the run is interrupted.
WINEPREFIX="$(mktemp -d "${TMPDIR:-/tmp}/chatkit-wine.XXXXXX")"
export WINEPREFIX WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
# shellcheck disable=SC2317  # run by the EXIT trap
stop_wine() {
  wineserver -k 2>/dev/null || true
  wineserver -w 2>/dev/null || true
  rm -rf "$WINEPREFIX"
}
trap stop_wine EXIT
log "creating a Wine prefix in $WINEPREFIX"
# Programs start through wine-emulator.sh, as ctest starts them: without address-space
# randomization, which makes Wine's loader fail now and then (see that script).
if can_disable_randomization; then
  log "Windows programs run without address-space randomization (scripts/windows/wine-emulator.sh)"
else
  log "note: setarch --addr-no-randomize is not allowed here; a program may now and then fail" \
    "to start under Wine (scripts/windows/wine-emulator.sh)"
fi
scripts/windows/wine-emulator.sh wine wineboot --init >/dev/null 2>&1 ||
  die "wineboot could not create the Wine prefix"
# wineboot returns while the prefix's own services are still setting it up; the server exits
# once they are done. Only then does one persistent server start for the tests.
wineserver -w
# Its own messages (when stopped, a dump of objects that killed processes left behind) go to a
# file rather than into the test output.
wineserver --persistent >build-win/wineserver.log 2>&1 || die "wineserver could not start"
# Programs the tests start by name come from the prefix: the sqlite3 shell.
WINEPATH="$(winepath -w "$deps_prefix/bin" 2>/dev/null)"
export WINEPATH

log "test: windows-cross under Wine"
status=0
ctest --preset windows-cross "$@" || status=$?
log "build $((built - started)) s, tests $((SECONDS - built)) s"
exit "$status"
