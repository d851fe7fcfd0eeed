"""A stage-3 chat server that saves its posts only when it stops (broken on purpose).

It is correct in everything else, and it even survives a restart: on SIGTERM it writes every
post to the --data file before it exits. But it acknowledges posts that are only in memory, so
a crash, a power cut or `kill -9` loses every post since it started. The exercise check
Stage3Server.KeepsAnAcknowledgedPostAfterKill9 must catch this, and
Stage3Server.KeepsTheHistoryAcrossARestart must not.

It is also the kit's test that the checks work for a server in Python, run as
    --server-cmd "python3 save_on_exit_server.py --port {port} --data {data}"
with the course's socketfuncs module (kit/python/socketfuncs.py).
"""

import argparse
import datetime
import json
import os
import signal
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "kit", "python"))
import socketfuncs  # noqa: E402


def lookup_host(ip):
    try:
        name = socket.gethostbyaddr(ip)[0]
        return ip if (" " in name or "]" in name) else name
    except OSError:
        return ip


def send_history(conn, posts):
    socketfuncs.send_message(conn, str(len(posts)))
    for post in posts:
        socketfuncs.send_message(conn, post)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=10000)
    parser.add_argument("--data", default="posts.json")
    args = parser.parse_args()

    posts = []
    if os.path.exists(args.data):
        with open(args.data, encoding="utf-8") as infile:
            posts = json.load(infile)

    def save_and_exit(signum, frame):
        # The mistake: the only place where posts reach the disk.
        with open(args.data, "w", encoding="utf-8") as outfile:
            json.dump(posts, outfile)
        sys.exit(0)

    signal.signal(signal.SIGTERM, save_and_exit)

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen()
    print("listening on 127.0.0.1:%d" % listener.getsockname()[1], flush=True)
    while True:
        conn, address = listener.accept()
        conn.settimeout(2)
        try:
            send_history(conn, posts)
            message = socketfuncs.receive_message(conn)
            if message:
                time = datetime.datetime.now().astimezone().isoformat(timespec="microseconds")
                post = "[%s %s] %s" % (time, lookup_host(address[0]), message)
                posts.append(post)
                socketfuncs.send_message(conn, post)
        except (OSError, ValueError, ConnectionError) as error:
            print("Dropped %s: %s" % (address[0], error), flush=True)
        finally:
            conn.close()


if __name__ == "__main__":
    main()
