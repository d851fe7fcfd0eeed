"""Stage 2 chat server: the server keeps the history of all received messages, and a client
that connects is given this history first; then it sends its one message.

From this stage on the framing is given: socketfuncs.py, beside this file, is the course's
module (a copy of kit/python/socketfuncs.py). Your task: the TODOs below
(exercises/stage2/README.md). Check your work with

    cmake --build build --target check-stage2-python
"""

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
except OSError as error:  # e.g. the port is in use
    parser.exit(1, "server: cannot listen on %s port %d: %s\n" % (args.bind, args.port, error))
ip, port = s.getsockname()[:2]
print("listening on %s:%d" % ("[%s]" % ip if ":" in ip else ip, port), flush=True)

history = []
while True:
    (conn, address) = s.accept()
    print("Got connection from %s" % address[0], flush=True)
    # TODO(stage 2): make sure that one client cannot keep this server waiting forever. The
    # server talks to one client at a time, so while it waits for a client that connected and
    # then says nothing (or stops half-way through its frame), nobody else is served: one stuck
    # program stops the whole class. Give up on a client after a few seconds (2 is plenty) of
    # silence; the `except` below then drops it and the loop goes on with the next one.
    try:
        # TODO(stage 2): send the history: first the number of items as decimal text ("3"; "0"
        # when there are none) in a frame of its own, then each item, oldest first, one frame
        # each. Text, not a binary number: the count is a message like any other.
        #
        # TODO(stage 2): receive the client's one message. "history" is a command: send the
        # history again (count and items, as above) and do not store it. The empty message is
        # never stored. Any other message goes at the end of `history`.
        pass
    except (OSError, ValueError) as error:
        # A client that breaks the protocol, vanishes or stays silent must not stop the server:
        # say why, and go on with the next client.
        print("Dropped %s: %s" % (address[0], error), flush=True)
    conn.close()
