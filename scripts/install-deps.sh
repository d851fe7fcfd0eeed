#!/usr/bin/env bash
# Installs what chatkit needs on Debian 12 (run as root). Packages already present are not
# fetched again; pass --update to refresh apt's package lists first even then (CI does).
set -euo pipefail

packages=(
  # Build tools (ccache: rebuilds of unchanged sources, in any clone, take seconds)
  cmake ninja-build g++ pkg-config git ca-certificates ccache
  # Libraries
  libuv1-dev libsqlite3-dev libcli11-dev
  # The viewer's WebSocket bridge: WebSocket framing, HTTP request heads, SHA-1 + base64
  libwslay-dev libhttp-parser-dev libssl-dev
  # Tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3 sqlite3
  # The exercise checks' JSON summaries for autograders (exercises/check/)
  nlohmann-json3-dev
  # The browser viewer: the kit's decoder in WebAssembly, its tests in Node and headless Chromium
  # (fonts-dejavu-core: the page's monospace font; its native test vectors are JSON, written with
  # nlohmann-json3-dev, listed above)
  emscripten nodejs chromium fonts-dejavu-core
  # Fuzzing (fuzz/, the `fuzz` preset): clang and libFuzzer; the format and tidy targets
  clang-14 libclang-rt-14-dev clang-format-14 clang-tidy-14
  # The Windows build and its tests under Wine (scripts/windows/, docs/windows.md): mingw-w64's
  # -posix compilers, Wine, and what building libuv and SQLite from Debian's sources needs
  # (dpkg-source unpacks them; SQLite's amalgamation is generated with make and tclsh)
  g++-mingw-w64-x86-64-posix gcc-mingw-w64-x86-64-posix wine wine64 dpkg-dev make tcl
)
# npm fetches playwright-core for the Chromium test. NodeSource's nodejs ships its own npm and
# conflicts with Debian's npm package, so ask for Debian's only when no npm is on the PATH.
command -v npm >/dev/null 2>&1 || packages+=(npm)

update=0
[[ "${1:-}" == "--update" ]] && update=1

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if (( update == 0 && ${#missing[@]} == 0 )); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root (or: sudo $0)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "install-deps: installed ${#packages[@]} packages (${#missing[@]} were missing)"
