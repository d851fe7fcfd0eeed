"""Stage 1 chat server (a solution): keeps every message in memory and prints the history."""

import argparse
import socket

import socketfuncs

parser = argparse.ArgumentParser(description="Stage 1 chat server: keeps every message it receives")
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
                print(" >> %s" % h, flush=True)  # flush: the checks read a file, not a terminal
    except (OSError, ValueError) as error:
        print("Dropped %s: %s" % (address[0], error), flush=True)
    conn.close()
