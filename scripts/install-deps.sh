#!/usr/bin/env bash
# Installs what chatkit needs on Debian 12 (run as root), for one role:
#
#   scripts/install-deps.sh [--role serve|student|all] [--update]
#
#   serve    what running the class needs: the reference server, client, bridge and viewer
#            (compilers, CMake, libuv, SQLite, CLI11, wslay, http-parser, OpenSSL, Emscripten).
#            scripts/serve.sh installs this.
#   student  what the exercises and their checks need, in C++ and in Python, and nothing else
#            (no SQLite, browser, Wine, fuzzers or Emscripten): docs/students.md.
#   all      everything: the whole test suite, the Windows build under Wine, fuzzing (CI, and
#            scripts/test.sh). The default.
#
# Packages already present are not fetched again; --update refreshes apt's package lists first
# even then (CI does).
set -euo pipefail

role=all
update=0
while (($#)); do
  case "$1" in
    --role) role="${2:-}"; shift 2 ;;
    --role=*) role="${1#--role=}"; shift ;;
    --update) update=1; shift ;;
    *) echo "install-deps: unknown argument $1 (usage: $0 [--role serve|student|all] [--update])" >&2
       exit 2 ;;
  esac
done

# What every role builds with.
build_tools=(cmake ninja-build g++ pkg-config ca-certificates ccache)
student=(
  "${build_tools[@]}"
  # The student socket layer needs only the C++ library; the checks drive programs with libuv,
  # test with GoogleTest and write JSON summaries; the starters parse options with CLI11.
  libuv1-dev libgtest-dev libcli11-dev nlohmann-json3-dev
  # The Python track (standard library only).
  python3
)
serve=(
  "${build_tools[@]}" git
  libuv1-dev libsqlite3-dev libcli11-dev
  # The viewer's WebSocket bridge: WebSocket framing, HTTP request heads, SHA-1 + base64
  libwslay-dev libhttp-parser-dev libssl-dev
  # The viewer page: the kit's decoder compiled to WebAssembly (emcc runs on Node)
  emscripten nodejs fonts-dejavu-core
)
all=(
  "${serve[@]}"
  # Tests and benchmarks (the exercise checks' JSON summaries: nlohmann-json3-dev)
  libgtest-dev libgmock-dev libbenchmark-dev python3 sqlite3 nlohmann-json3-dev
  # The viewer's tests in headless Chromium
  chromium
  # Fuzzing (fuzz/, the `fuzz` preset): clang and libFuzzer; the format and tidy targets
  clang-14 libclang-rt-14-dev clang-format-14 clang-tidy-14
  # The Windows build and its tests under Wine (scripts/windows/, docs/windows.md): mingw-w64's
  # -posix compilers, Wine, and what building libuv and SQLite from Debian's sources needs
  # (dpkg-source unpacks them; SQLite's amalgamation is generated with make and tclsh)
  g++-mingw-w64-x86-64-posix gcc-mingw-w64-x86-64-posix wine wine64 dpkg-dev make tcl
)
case "$role" in
  student) packages=("${student[@]}") ;;
  serve) packages=("${serve[@]}") ;;
  all)
    packages=("${all[@]}")
    # npm fetches playwright-core for the Chromium tests. NodeSource's nodejs ships its own npm
    # and conflicts with Debian's npm package, so ask for Debian's only when no npm is there.
    command -v npm >/dev/null 2>&1 || packages+=(npm)
    ;;
  *) echo "install-deps: unknown role '$role' (serve, student or all)" >&2; exit 2 ;;
esac

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if (( update == 0 && ${#missing[@]} == 0 )); then
  echo "install-deps: all ${#packages[@]} packages for '$role' present"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root (or: sudo $0 --role $role)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "install-deps: installed the ${#packages[@]} packages for '$role' (${#missing[@]} were missing)"
