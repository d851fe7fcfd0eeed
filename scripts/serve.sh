#!/usr/bin/env bash
# The instructor's one command: installs what is needed, builds, and starts the reference chat
# server (stage 3 on port 10000, history in ./chat-history.db unless told otherwise).
# Extra arguments go to chat-server, e.g.  scripts/serve.sh --stage 2 --port 10125
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" default
echo
echo "Starting the reference chat server. Students connect to this machine's address, port"
echo "10000 by default (chat-client --host <this machine> --port 10000). Ctrl-C stops it."
echo
exec "$root/build/server/chat-server" "$@"
