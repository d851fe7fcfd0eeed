"""Stage 3 chat client: prints the stored posts, sends one message, and waits until the server
acknowledges that its post is stored.

Your task: the TODOs below (exercises/stage3/README.md). Check your work with

    cmake --build build --target check-stage3-python
"""

import argparse
import socket
import sys

import socketfuncs

parser = argparse.ArgumentParser(
    description="Stage 3 chat client: posts one message and waits until it is stored")
parser.add_argument("--host", default="127.0.0.1", help="the server's name or IP address")
parser.add_argument("--port", type=int, default=10000, help="the server's TCP port")
parser.add_argument("--message", help="the message to post (without it, the client asks for one)")
args = parser.parse_args()

try:
    s = socket.create_connection((args.host, args.port))  # name lookup, socket() and connect()

    # TODO(stage 3): receive the posts and print each on a line of its own, as the history in
    # stage 2 (the count, then that many posts; "" means the connection ended too early).

    msg = args.message if args.message is not None else input("Message: ")

    # TODO(stage 3): send `msg`.
except (OSError, ValueError, EOFError) as error:  # cannot connect, a protocol error, no input, ...
    sys.exit("client: %s port %d: %s" % (args.host, args.port, error))  # stderr, exit code 1

# TODO(stage 3): unless `msg` is empty (it is not stored and gets no acknowledgement), wait for
# the acknowledgement, but not forever: at most 5 seconds. It is one frame holding the stored
# post; print it as "Posted: <post>". Only that frame means "stored". When the connection ends
# or is reset without it, or the time runs out, say so on standard error and exit with code 3
# ("the post may or may not be stored"): a close proves nothing, since the system closes the
# sockets of a crashed server just as politely.
s.close()
