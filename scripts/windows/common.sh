# Sourced by the scripts in scripts/windows/: where the Windows build keeps its files.
# shellcheck shell=bash disable=SC2034  # the variables are for the scripts that source this

chatkit_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# The Windows dependencies: downloaded Debian sources, their builds, and the prefix they install
# into (git-ignored; the windows-cross preset points CHATKIT_WINDOWS_DEPS_PREFIX at the prefix).
deps_dir="${CHATKIT_WINDOWS_DEPS_DIR:-$chatkit_root/.deps-win}"
deps_prefix="$deps_dir/prefix"
toolchain_file="$chatkit_root/cmake/toolchains/x86_64-w64-mingw32.cmake"
mingw_triple=x86_64-w64-mingw32

log() { echo "windows: $*"; }
die() {
  echo "windows: error: $*" >&2
  exit 1
}
