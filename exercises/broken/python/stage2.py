"""Stage 2 server and client in Python, each with one deliberate mistake (or a correct variant).

The exercise checks' own tests (exercises/python.cmake) run these to prove that each mistake is
caught by a named check, and that correct programs that merely differ pass:

    python3 -B stage2.py server --port {port} --mistake MISTAKE
    python3 -B stage2.py client --host {host} --port {port} --message {message} --mistake MISTAKE

Derived from exercises/solutions/stage2/python/, with the course's socketfuncs
(kit/python/socketfuncs.py); the mistakes are marked "The mistake".
"""

import argparse
import os
import socket
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "kit", "python"))
import socketfuncs  # noqa: E402

SERVER_MISTAKES = {
    "none": "the solution",
    "no-timeout": "waits for a silent client forever",
    "one-byte-writes": "correct: sends every frame one byte per send()",
}
CLIENT_MISTAKES = {
    "none": "the solution",
    "item-from-ended-stream": 'takes the "" of an ended connection for a history item',
    "prefixed-output": "correct: numbers the items it prints",
}

parser = argparse.ArgumentParser(description="Stage 2 programs with one deliberate mistake each")
roles = parser.add_subparsers(dest="role", required=True)
server_args = roles.add_parser("server")
server_args.add_argument("--bind", default="0.0.0.0")
server_args.add_argument("--port", type=int, default=10000)
server_args.add_argument("--mistake", choices=SERVER_MISTAKES, default="none")
client_args = roles.add_parser("client")
client_args.add_argument("--host", default="127.0.0.1")
client_args.add_argument("--port", type=int, default=10000)
client_args.add_argument("--message")
client_args.add_argument("--mistake", choices=CLIENT_MISTAKES, default="none")
args = parser.parse_args()
mistake = args.mistake


class OneByteWrites:
    """A connected socket that sends each frame's first bytes one per send(): correct, only slow."""

    def __init__(self, sock):
        self.sock = sock

    def sendall(self, data):
        # The length and the first payload bytes one byte per send(), the rest at once: a
        # megabyte one byte at a time would take minutes and show nothing more.
        thin = min(len(data), 4 + 256)
        for i in range(thin):
            self.sock.sendall(data[i : i + 1])
        self.sock.sendall(data[thin:])

    def recv(self, count):
        return self.sock.recv(count)


def send_history(conn, history):
    socketfuncs.send_message(conn, str(len(history)))
    for h in history:
        socketfuncs.send_message(conn, h)


def serve():
    family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET
    s = socket.create_server((args.bind, args.port), family=family)
    ip, port = s.getsockname()[:2]
    print("listening on %s:%d" % ("[%s]" % ip if ":" in ip else ip, port), flush=True)
    history = []
    while True:
        (conn, address) = s.accept()
        if mistake != "no-timeout":  # The mistake: no timeout, so a silent client stops us.
            conn.settimeout(2)
        peer = OneByteWrites(conn) if mistake == "one-byte-writes" else conn
        try:
            send_history(peer, history)
            msg = socketfuncs.receive_message(peer)
            if msg == "history":
                send_history(peer, history)
            elif msg != "":
                history.append(msg)
        except (OSError, ValueError) as error:
            print("Dropped %s: %s" % (address[0], error), flush=True)
        conn.close()


def receive_history(s):
    count = int(socketfuncs.receive_message(s))
    print("History:")
    for i in range(count):
        item = socketfuncs.receive_message(s)
        if item == "" and mistake != "item-from-ended-stream":  # The mistake: no such test.
            raise ConnectionError("the server closed after %d of %d history items" % (i, count))
        print("%d. %s" % (i + 1, item) if mistake == "prefixed-output" else item, flush=True)


def post():
    try:
        s = socket.create_connection((args.host, args.port))
        receive_history(s)
        msg = args.message if args.message is not None else input("Message: ")
        socketfuncs.send_message(s, msg)
        if msg == "history":
            receive_history(s)
        s.close()
    except (OSError, ValueError, EOFError) as error:
        sys.exit("client: %s" % error)


serve() if args.role == "server" else post()
