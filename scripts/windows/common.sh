# Sourced by the scripts in scripts/windows/: where the Windows build keeps its files.
# shellcheck shell=bash disable=SC2034  # the variables are for the scripts that source this

chatkit_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# The Windows dependencies: downloaded Debian sources, their builds, and the prefix they install
# into. They live in the user's cache, not in the checkout, so that every clone and worktree
# (CI's fresh clones too) shares one build of them; build-deps.sh links .deps-win in the
# checkout (git-ignored) to this directory, and the windows-cross preset points
# CHATKIT_WINDOWS_DEPS_PREFIX at .deps-win/prefix.
deps_dir="${CHATKIT_WINDOWS_DEPS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/chatkit/windows-deps}"
deps_prefix="$deps_dir/prefix"
deps_link="$chatkit_root/.deps-win"
toolchain_file="$chatkit_root/cmake/toolchains/x86_64-w64-mingw32.cmake"
mingw_triple=x86_64-w64-mingw32

log() { echo "windows: $*"; }
# Succeeds when programs may be started without address-space randomization here (setarch
# --addr-no-randomize; some container sandboxes forbid the personality(2) call it makes). Wine
# needs it: see wine-emulator.sh.
can_disable_randomization() { setarch "$(uname -m)" --addr-no-randomize true 2>/dev/null; }
die() {
  echo "windows: error: $*" >&2
  exit 1
}
