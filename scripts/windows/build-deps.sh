#!/usr/bin/env bash
# Builds chatkit's dependencies for 64-bit Windows (mingw-w64) from Debian's own sources and
# installs them into one prefix, which the windows-cross preset searches through the checkout's
# .deps-win link (by default ~/.cache/chatkit/windows-deps/prefix; see common.sh):
#
#   libuv       Debian's source package (apt-get source), its CMake build: uv_a + libuvConfig.cmake
#   SQLite      Debian's source package: the amalgamation generated natively (configure &&
#               make sqlite3.c), then cross-compiled with Debian's compile options; also the
#               sqlite3.exe shell, which a test uses to make another program's database
#   GoogleTest  /usr/src/googletest (Debian's googletest package): gtest, gtest_main, gmock
#   CLI11, nlohmann/json   header-only: Debian's headers copied alone (/usr/include/CLI,
#               /usr/include/nlohmann), since /usr/include on a cross include path breaks the build
#
# The versions are those of the native packages (libuv1-dev, libsqlite3-dev, googletest,
# libcli11-dev, nlohmann-json3-dev), so Linux and Windows builds test the same code. Each dependency is skipped when
# its stamp shows that this version was already built with the same recipe and compiler; a run
# with nothing to do takes well under a second and needs neither root nor the network.
#
# Downloading a source package needs a deb-src entry: when one is missing this script adds
# /etc/apt/sources.list.d/chatkit-src.sources (as root) and refreshes apt's lists. Packages come
# from scripts/install-deps.sh. Usage: scripts/windows/build-deps.sh [--force]
set -euo pipefail
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "$0")/common.sh"

# Bump when a build below changes in a way that needs every dependency built again.
readonly recipe=2
force=0
[[ "${1:-}" == "--force" ]] && force=1

downloads="$deps_dir/downloads"
sources="$deps_dir/src"
builds="$deps_dir/build"
logs="$deps_dir/logs"
stamps="$deps_prefix/share/chatkit-deps"
mkdir -p "$downloads" "$sources" "$builds" "$logs" "$stamps"
# The checkout's .deps-win names the cache (common.sh); a directory there is from an older
# layout, which kept the dependencies in the checkout.
if [[ -d "$deps_link" && ! -L "$deps_link" ]]; then
  die "$deps_link is a directory: remove it (the dependencies now live in $deps_dir)"
fi
ln -sfn "$deps_dir" "$deps_link"
jobs="$(nproc)"

cc="$mingw_triple-gcc-posix"
cxx="$mingw_triple-g++-posix"
command -v "$cxx" >/dev/null || die "$cxx not found: run scripts/install-deps.sh (as root)"
compiler="$("$cxx" --version | head -n 1)"

# run <log name> <command...>: runs a build step with its output in a log file; on failure shows
# the end of that log, since CI output is all there is to go on.
run() {
  local name="$1"
  shift
  if ! "$@" >>"$logs/$name.log" 2>&1; then
    echo "windows: step failed: $*" >&2
    echo "windows: last lines of $logs/$name.log:" >&2
    tail -n 40 "$logs/$name.log" >&2
    exit 1
  fi
}

# up_to_date <dependency> <stamp text>: whether the stamp records exactly this build.
up_to_date() {
  ((force == 0)) && [[ -f "$stamps/$1.stamp" && "$(cat "$stamps/$1.stamp")" == "$2" ]]
}

stamp_text() { printf 'version %s\nrecipe %s\ncompiler %s\n' "$1" "$recipe" "$compiler"; }

# begin_build <name> <what> <version> <doing>: fails (after saying so) when the stamp shows that
# this build is done; else says what it does, starts its log afresh and sets $stamp for
# finish_build <name>.
begin_build() {
  stamp="$(stamp_text "$3")"
  if up_to_date "$1" "$stamp"; then
    log "$2 $3: up to date"
    return 1
  fi
  log "$2 $3: $4"
  : >"$logs/$1.log"
}
finish_build() { echo "$stamp" >"$stamps/$1.stamp"; }

# The version of the Debian source package behind an installed binary package, or empty.
installed_source_version() {
  dpkg-query -W -f='${source:Version}' "$1" 2>/dev/null || true
}

# The debian.sources entry, as deb-src: bookworm's main with its updates and security fixes, so
# that the source of whatever version is installed can be found.
ensure_deb_src() {
  local file=/etc/apt/sources.list.d/chatkit-src.sources
  local wanted
  wanted="$(
    cat <<'SOURCES'
# Added by chatkit's scripts/windows/build-deps.sh: Debian's source packages, from which the
# Windows build's libuv and SQLite are compiled.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  )"
  # grep reads all of apt-cache's output: with -q it could stop early, and apt-cache, killed by
  # SIGPIPE, would fail the pipeline (pipefail).
  if apt-cache showsrc "$1" 2>/dev/null | grep '^Version:' >/dev/null; then
    return
  fi
  [[ $(id -u) -eq 0 ]] || die "the source package $1 is needed and apt has no deb-src entry for it; run this script once as root (it adds $file)"
  log "adding $file and refreshing apt's lists"
  printf '%s\n' "$wanted" >"$file"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
}

# fetch_source <source package> <version or empty>: downloads the source package into
# $downloads unless there already, and prints the path of its .dsc file.
fetch_source() {
  local package="$1" version="$2"
  local upstream="${version#*:}" dsc
  if [[ -n "$version" && -f "$downloads/${package}_${upstream}.dsc" ]]; then
    echo "$downloads/${package}_${upstream}.dsc"
    return
  fi
  ensure_deb_src "$package" >&2
  log "downloading the source package $package${version:+ $version}" >&2
  # The sandbox user cannot write into a root-owned download directory; nothing is executed.
  if ! (cd "$downloads" && apt-get -o APT::Sandbox::User=root source --download-only -qq \
    "$package${version:+=$version}" >>"$logs/$package.log" 2>&1); then
    [[ -n "$version" ]] || die "apt-get source $package failed (see $logs/$package.log)"
    # The installed version may be gone from the mirror (a newer point release replaced it):
    # take the version apt offers now rather than fail.
    log "version $version of $package is not available as source; taking apt's current one" >&2
    (cd "$downloads" && apt-get -o APT::Sandbox::User=root source --download-only -qq "$package" \
      >>"$logs/$package.log" 2>&1) || die "apt-get source $package failed (see $logs/$package.log)"
  fi
  local found="" candidate
  for candidate in "$downloads/${package}"_*.dsc; do  # The newest download.
    [[ -f "$candidate" && (-z "$found" || "$candidate" -nt "$found") ]] && found="$candidate"
  done
  [[ -n "$found" ]] || die "no .dsc for $package in $downloads"
  echo "$found"
}

dsc_version() { sed -n 's/^Version: //p' "$1" | head -n 1; }

# unpack <dsc> <directory>: a fresh copy of the source with Debian's patches applied.
unpack() {
  rm -rf "$2"
  run "$(basename "$2")" dpkg-source --no-check -x "$1" "$2"
}

cmake_cross() {
  cmake -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain_file" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$deps_prefix" "$@"
}

build_libuv() {
  local dsc="$1"
  begin_build libuv libuv "$(dsc_version "$dsc")" building || return 0
  unpack "$dsc" "$sources/libuv"
  rm -rf "$builds/libuv"
  run libuv cmake_cross -S "$sources/libuv" -B "$builds/libuv" -DLIBUV_BUILD_TESTS=OFF \
    -DLIBUV_BUILD_BENCH=OFF -DBUILD_TESTING=OFF
  run libuv cmake --build "$builds/libuv" -j "$jobs"
  run libuv cmake --install "$builds/libuv"
  finish_build libuv
}

# Debian's compile options for libsqlite3 (debian/rules), so that the Windows build's SQLite
# behaves like the one the native build links.
sqlite_defines=(
  -DSQLITE_SECURE_DELETE -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_ENABLE_FTS3
  -DSQLITE_ENABLE_FTS3_PARENTHESIS -DSQLITE_ENABLE_RTREE=1 -DSQLITE_SOUNDEX=1
  -DSQLITE_ENABLE_UNLOCK_NOTIFY -DSQLITE_OMIT_LOOKASIDE=1 -DSQLITE_ENABLE_DBSTAT_VTAB
  -DSQLITE_ALLOW_ROWID_IN_VIEW -DSQLITE_ENABLE_UPDATE_DELETE_LIMIT=1
  -DSQLITE_ENABLE_LOAD_EXTENSION -DSQLITE_ENABLE_JSON1 -DSQLITE_LIKE_DOESNT_MATCH_BLOBS
  -DSQLITE_THREADSAFE=1 -DSQLITE_ENABLE_FTS3_TOKENIZER=1 -DSQLITE_USE_URI=1
  -DSQLITE_MAX_SCHEMA_RETRY=25 -DSQLITE_ENABLE_PREUPDATE_HOOK -DSQLITE_ENABLE_SESSION
  -DSQLITE_ENABLE_STMTVTAB -DSQLITE_MAX_VARIABLE_NUMBER=250000
)

build_sqlite() {
  local dsc="$1"
  begin_build sqlite SQLite "$(dsc_version "$dsc")" building || return 0
  unpack "$dsc" "$sources/sqlite3"
  local build="$builds/sqlite3"
  rm -rf "$build"
  mkdir -p "$build"
  # The amalgamation is generated by tools that run on the build machine (lemon, mkkeywordhash,
  # tclsh scripts), so this part is a native configure.
  run sqlite bash -c "cd '$build' && '$sources/sqlite3/configure' --disable-tcl --disable-readline"
  run sqlite make -C "$build" sqlite3.c shell.c
  run sqlite "$cc" -O2 -fno-strict-aliasing "${sqlite_defines[@]}" -c "$build/sqlite3.c" \
    -o "$build/sqlite3.o"
  rm -f "$build/libsqlite3.a"
  run sqlite "$mingw_triple-ar" rcs "$build/libsqlite3.a" "$build/sqlite3.o"
  # The shell is a test tool here: -O1 compiles it in half the time.
  run sqlite "$cc" -O1 "${sqlite_defines[@]}" -I"$build" "$build/shell.c" "$build/sqlite3.o" \
    -static -o "$build/sqlite3.exe"
  install -D -m 644 "$build/libsqlite3.a" "$deps_prefix/lib/libsqlite3.a"
  install -D -m 755 "$build/sqlite3.exe" "$deps_prefix/bin/sqlite3.exe"
  install -D -m 644 "$build/sqlite3.h" "$deps_prefix/include/sqlite3.h"
  install -D -m 644 "$build/sqlite3ext.h" "$deps_prefix/include/sqlite3ext.h"
  finish_build sqlite
}

build_googletest() {
  local version
  version="$(installed_source_version googletest)"
  [[ -n "$version" && -d /usr/src/googletest ]] || die "no /usr/src/googletest: install libgtest-dev"
  begin_build googletest GoogleTest "$version" building || return 0
  rm -rf "$builds/googletest"
  # gtest_disable_pthreads: GoogleTest's own Win32 threading, as in every other Windows build
  # (winpthreads is there only for libstdc++).
  run googletest cmake_cross -S /usr/src/googletest -B "$builds/googletest" -DBUILD_GMOCK=ON \
    -DINSTALL_GTEST=ON -Dgtest_disable_pthreads=ON
  run googletest cmake --build "$builds/googletest" -j "$jobs"
  run googletest cmake --install "$builds/googletest"
  finish_build googletest
}

# stage_headers <name> <Debian package> <path under /usr>...: copies a header-only library's
# files from the native package into the prefix. Only those folders: putting /usr/include itself
# on a cross compiler's include path would bring in glibc's headers.
stage_headers() {
  local name="$1" package="$2"
  shift 2
  local version
  version="$(installed_source_version "$package")"
  [[ -n "$version" ]] || die "$package is not installed: run scripts/install-deps.sh (as root)"
  begin_build "$name" "$name" "$version" "staging the headers" || return 0
  local path
  for path in "$@"; do
    [[ -e "/usr/$path" ]] || die "/usr/$path is missing: reinstall $package"
    rm -rf "${deps_prefix:?}/$path"
    mkdir -p "$(dirname "$deps_prefix/$path")"
    cp -R "/usr/$path" "$deps_prefix/$path"
  done
  finish_build "$name"
}

started=$SECONDS
# Downloads first, one at a time (apt's lists may need a refresh); then the builds.
libuv_dsc="$(fetch_source libuv1 "$(installed_source_version libuv1-dev)")"
sqlite_dsc="$(fetch_source sqlite3 "$(installed_source_version libsqlite3-dev)")"
# SQLite's amalgamation is one long compile on one core: it overlaps the other two builds.
build_sqlite "$sqlite_dsc" &
sqlite_job=$!
# When another build fails, the script stops and the SQLite build with it.
trap 'kill "$sqlite_job" 2>/dev/null || true' EXIT
build_libuv "$libuv_dsc"
build_googletest
wait "$sqlite_job" || die "the SQLite build failed (see above)"
stage_headers CLI11 libcli11-dev include/CLI
# nlohmann/json: the exercise checks' JSON summary; its CMake package file is relocatable.
stage_headers nlohmann_json nlohmann-json3-dev include/nlohmann share/cmake/nlohmann_json
log "dependencies ready in $deps_prefix ($((SECONDS - started)) s)"
