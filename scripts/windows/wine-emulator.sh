#!/usr/bin/env bash
# The windows-cross build's CMAKE_CROSSCOMPILING_EMULATOR (cmake/toolchains/x86_64-w64-mingw32.cmake):
# ctest starts every Windows program through this script, which runs it under Wine with the
# kernel's address-space randomization turned off for it (and so for every program it starts).
#
#   scripts/windows/wine-emulator.sh WINE PROGRAM.exe [ARGS...]     (WINE: the wine to run)
#
# Why: with randomization, a program now and then does not start under Wine 8: exit status 1 and
# no output when ctest starts it, "unknown error" from CreateProcess when a test starts the
# server. Most likely Wine's loader, which must reserve fixed address ranges before it maps the
# program, finds one taken by a randomly placed mapping. Measured here (scripts/windows/test.sh's
# settings, 4 programs started at a time): 5 of 12,000 starts failed with randomization, none of
# 12,000 without. Where the personality(2) call is not allowed (some container sandboxes), the
# program runs with randomization, as before.
set -uo pipefail
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "$0")/common.sh"

wine="$1"
shift
if can_disable_randomization; then
  exec setarch "$(uname -m)" --addr-no-randomize "$wine" "$@"
fi
exec "$wine" "$@"
