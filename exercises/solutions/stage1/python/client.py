"""Stage 1 chat client: connects to the server, sends one message and closes.

Your task: the TODO below, with your socketfuncs.py (exercises/stage1/README.md). Check your
work with

    cmake --build build --target check-stage1-python

A solution: the starter with its TODOs done.
"""

import argparse
import socket
import sys

import socketfuncs

parser = argparse.ArgumentParser(description="Stage 1 chat client: sends one message")
parser.add_argument("--host", default="127.0.0.1", help="the server's name or IP address")
parser.add_argument("--port", type=int, default=10000, help="the server's TCP port")
parser.add_argument("--message", help="the message to send (without it, the client asks for one)")
args = parser.parse_args()

try:
    msg = args.message if args.message is not None else input("Message: ")
    s = socket.create_connection((args.host, args.port))  # name lookup, socket() and connect()

    socketfuncs.send_message(s, msg)
    s.close()
except (OSError, EOFError) as error:  # cannot connect, the connection was reset, no input, ...
    # A program that failed must say so, to you and to the scripts that run it: the reason on
    # standard error, and exit code 1.
    sys.exit("client: %s port %d: %s" % (args.host, args.port, error))
