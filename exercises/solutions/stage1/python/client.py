"""Stage 1 chat client (a solution): connects, sends one message and closes."""

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
    s = socket.create_connection((args.host, args.port))
    socketfuncs.send_message(s, msg)
    s.close()
except (OSError, EOFError) as error:  # EOFError: standard input ended before a line came.
    sys.exit("client: %s port %d: %s" % (args.host, args.port, error))  # stderr, exit code 1
