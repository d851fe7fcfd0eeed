"""Stage 1 chat server: each client connects, sends one message and closes; the server keeps
every message in memory and prints the whole history after each one.

The course's version (day 2 notes), with a command line. The framing is yours, in socketfuncs.py.
Your task: the TODO below and those in socketfuncs.py (exercises/stage1/README.md). Check your
work with

    cmake --build build --target check-stage1-python

A solution: the starter with its TODOs done.
"""

import argparse
import socket

import socketfuncs

# The command line. The checks start the server with --port 0 (the system picks a free port)
# and read the real port from the "listening on" line below.
parser = argparse.ArgumentParser(description="Stage 1 chat server: keeps every message it receives")
parser.add_argument("--bind", default="0.0.0.0", help="IP address to listen on")
parser.add_argument("--port", type=int, default=10000, help="TCP port; 0 picks a free one")
args = parser.parse_args()

family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET  # "::" and "::1" are IPv6
try:
    # socket(), bind() and listen() in one; "::" listens on every IPv6 and IPv4 address.
    s = socket.create_server(
        (args.bind, args.port), family=family, dualstack_ipv6=args.bind == "::")
except OSError as error:  # e.g. the port is in use
    parser.exit(1, "server: cannot listen on %s port %d: %s\n" % (args.bind, args.port, error))
# The first line the server prints, flushed so that it is seen at once: the checks wait for it.
ip, port = s.getsockname()[:2]
print("listening on %s:%d" % ("[%s]" % ip if ":" in ip else ip, port), flush=True)

history = []
while True:
    (conn, address) = s.accept()
    print("Got connection from %s" % address[0], flush=True)
    try:
        msg = socketfuncs.receive_message(conn)
        if msg != "":
            history.append(msg)
            print("History length: %d" % len(history))
            for h in history:
                print(" >> %s" % h, flush=True)
    except (OSError, ValueError) as error:
        # A client that breaks the protocol (a length over the limit, text that is not UTF-8) or
        # vanishes half-way must not stop the server: say why, and go on with the next client.
        print("Dropped %s: %s" % (address[0], error), flush=True)
    conn.close()
