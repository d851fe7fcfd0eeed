#!/usr/bin/env bash
# The instructor's one command: installs what is needed, builds, and starts the reference chat
# server (stage 3 on port 10000, history in ./chat-history.db unless told otherwise) with the
# browser protocol viewer on port 8080 (--web 8080, this machine only).
# Extra arguments go to chat-server, e.g.  scripts/serve.sh --stage 2 --port 10125 --web 9000
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh" --role serve
"$root/scripts/build.sh" serve
# The viewer is on unless the arguments choose its port themselves.
web=(--web 8080)
web_port=8080
previous=""
for arg in "$@"; do
  case "$arg" in
    --web=*) web=(); web_port="${arg#--web=}" ;;
    --web) web=() ;;
  esac
  [[ "$previous" == "--web" ]] && web_port="$arg"
  previous="$arg"
done
echo
echo "Starting the reference chat server. Students connect to this machine's address, port"
echo "10000 by default (chat-client --host <this machine> --port 10000). Ctrl-C stops it."
echo
echo "Protocol viewer: open http://127.0.0.1:${web_port}/ in a browser on this machine"
echo "(the server confirms it with its \"viewer at\" line below)."
echo
exec "$root/build/server/chat-server" "${web[@]}" "$@"
