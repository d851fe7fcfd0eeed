"""Stage 2 chat client: connects, receives and prints the history, then sends one message. If
the message is "history", it receives and prints the history a second time.

socketfuncs.py, beside this file, is the course's module (given from this stage on). Your task:
the TODOs below (exercises/stage2/README.md). Check your work with

    cmake --build build --target check-stage2-python
"""

import argparse
import socket
import sys

import socketfuncs

parser = argparse.ArgumentParser(
    description="Stage 2 chat client: prints the history, then sends one message")
parser.add_argument("--host", default="127.0.0.1", help="the server's name or IP address")
parser.add_argument("--port", type=int, default=10000, help="the server's TCP port")
parser.add_argument("--message", help="the message to send (without it, the client asks for one)")
args = parser.parse_args()

try:
    s = socket.create_connection((args.host, args.port))  # name lookup, socket() and connect()

    # TODO(stage 2): receive the history and print it: first the count, decimal text, which you
    # turn into a number (anything else, such as 4 binary bytes, is a protocol error: fail);
    # then exactly that many items. Print "History:", then each item on a line of its own. An
    # item is never empty: receive_message returns "" when the connection has ended, so "" here
    # means the server closed before the history was complete, and the client must fail.

    msg = args.message if args.message is not None else input("Message: ")

    # TODO(stage 2): send `msg`. If it is "history", receive and print the history again.

    s.close()
except (OSError, ValueError, EOFError) as error:  # cannot connect, a protocol error, no input, ...
    # A program that failed must say so, to you and to the scripts that run it: the reason on
    # standard error, and exit code 1.
    sys.exit("client: %s port %d: %s" % (args.host, args.port, error))
