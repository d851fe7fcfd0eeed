"""Stage 2 chat server: the server keeps the history of all received messages, and a client
that connects is given this history first; then it sends its one message.

From this stage on the framing is given: socketfuncs.py, beside this file, is the course's
module (a copy of kit/python/socketfuncs.py). Your task: the TODOs below
(exercises/stage2/README.md). Check your work with

    cmake --build build --target check-stage2-python

A solution: the starter with its TODOs done.
"""

import argparse
import socket

import socketfuncs


def send_history(conn, history):
    socketfuncs.send_message(conn, str(len(history)))
    for h in history:
        socketfuncs.send_message(conn, h)


parser = argparse.ArgumentParser(description="Stage 2 chat server: sends every client the history")
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
ip, port = s.getsockname()[:2]
print("listening on %s:%d" % ("[%s]" % ip if ":" in ip else ip, port), flush=True)

history = []
while True:
    (conn, address) = s.accept()
    print("Got connection from %s" % address[0], flush=True)
    conn.settimeout(2)
    try:
        send_history(conn, history)
        msg = socketfuncs.receive_message(conn)
        if msg == "history":
            send_history(conn, history)
        elif msg != "":
            history.append(msg)
            print("New message: %s" % msg, flush=True)
    except (OSError, ValueError) as error:
        # A client that breaks the protocol, vanishes or stays silent must not stop the server:
        # say why, and go on with the next client.
        print("Dropped %s: %s" % (address[0], error), flush=True)
    conn.close()
