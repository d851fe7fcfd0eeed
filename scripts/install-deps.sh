#!/usr/bin/env bash
# Installs what chatkit needs on Debian 12 (run as root). Packages already present are not
# fetched again; pass --update to refresh apt's package lists first even then (CI does).
set -euo pipefail

packages=(
  # Build tools
  cmake ninja-build g++ pkg-config git ca-certificates
  # Libraries
  libuv1-dev libsqlite3-dev libcli11-dev
  # Tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3 sqlite3
)

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
