"""Stage 2 chat server (a solution): sends each client the history, then takes its message."""

import argparse
import socket

import socketfuncs

parser = argparse.ArgumentParser(description="Stage 2 chat server: sends every client the history")
parser.add_argument("--bind", default="0.0.0.0", help="IP address to listen on")
parser.add_argument("--port", type=int, default=10000, help="TCP port; 0 picks a free one")
args = parser.parse_args()

family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET  # "::" and "::1" are IPv6
try:
    # socket(), bind() and listen() in one; "::" listens on every IPv6 and IPv4 address.
    s = socket.create_server(
        (args.bind, args.port), family=family, dualstack_ipv6=args.bind == "::")
except OSError as error:
    parser.exit(1, "server: cannot listen on %s port %d: %s\n" % (args.bind, args.port, error))
ip, port = s.getsockname()[:2]
print("listening on %s:%d" % ("[%s]" % ip if ":" in ip else ip, port), flush=True)


def send_history(conn, history):
    socketfuncs.send_message(conn, str(len(history)))  # the count, as decimal text
    for h in history:
        socketfuncs.send_message(conn, h)


history = []
while True:
    (conn, address) = s.accept()
    print("Got connection from %s" % address[0], flush=True)
    # A client that stops sending (or reading) must not stop the server for everybody else:
    # after 2 seconds of silence a receive or send raises socket.timeout, an OSError.
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
        print("Dropped %s: %s" % (address[0], error), flush=True)
    conn.close()
