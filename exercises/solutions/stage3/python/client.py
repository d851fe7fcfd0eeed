"""Stage 3 chat client: prints the stored posts, sends one message, and waits until the server
acknowledges that its post is stored.

Your task: the TODOs below (exercises/stage3/README.md). Check your work with

    cmake --build build --target check-stage3-python

A solution: the starter with its TODOs done.
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
    s.settimeout(5)

    count = int(socketfuncs.receive_message(s))
    for i in range(count):
        post = socketfuncs.receive_message(s)
        if post == "":
            raise ConnectionError("the server closed after %d of %d posts" % (i, count))
        print(post, flush=True)

    msg = args.message if args.message is not None else input("Message: ")

    socketfuncs.send_message(s, msg)
except (OSError, ValueError, EOFError) as error:  # cannot connect, a protocol error, no input, ...
    sys.exit("client: %s port %d: %s" % (args.host, args.port, error))  # stderr, exit code 1

if msg == "":
    sys.exit(0)  # not stored, and no acknowledgement comes
try:
    ack = socketfuncs.receive_message(s)
except (OSError, ValueError) as error:  # reset, timed out, not a frame
    print("client: %s" % error, file=sys.stderr)
    ack = ""
if ack == "":
    print("client: no acknowledgement: the post may or may not be stored", file=sys.stderr)
    sys.exit(3)
print("Posted: %s" % ack)
s.close()
