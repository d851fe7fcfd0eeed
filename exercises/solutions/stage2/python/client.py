"""Stage 2 chat client: connects, receives and prints the history, then sends one message. If
the message is "history", it receives and prints the history a second time.

socketfuncs.py, beside this file, is the course's module (given from this stage on). Your task:
the TODOs below (exercises/stage2/README.md). Check your work with

    cmake --build build --target check-stage2-python

A solution: the starter with its TODOs done.
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


def receive_history(s):
    count = int(socketfuncs.receive_message(s))  # ValueError unless it is decimal text
    print("History:")
    for i in range(count):
        item = socketfuncs.receive_message(s)
        if item == "":
            raise ConnectionError("the server closed after %d of %d history items" % (i, count))
        print(item, flush=True)


try:
    s = socket.create_connection((args.host, args.port))  # name lookup, socket() and connect()

    receive_history(s)

    msg = args.message if args.message is not None else input("Message: ")

    socketfuncs.send_message(s, msg)
    if msg == "history":
        receive_history(s)

    s.close()
except (OSError, ValueError, EOFError) as error:  # cannot connect, a protocol error, no input, ...
    # A program that failed must say so, to you and to the scripts that run it: the reason on
    # standard error, and exit code 1.
    sys.exit("client: %s port %d: %s" % (args.host, args.port, error))
