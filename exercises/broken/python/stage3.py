"""Stage 3 server and client in Python, each with one deliberate mistake (or a correct variant).

The exercise checks' own tests (exercises/python.cmake) run these to prove that each mistake is
caught by a named check, and that correct programs that merely differ pass:

    python3 -B stage3.py server --port {port} --data {data} --mistake MISTAKE
    python3 -B stage3.py client --host {host} --port {port} --message {message} --mistake MISTAKE

Derived from exercises/solutions/stage3/python/, with the course's socketfuncs
(kit/python/socketfuncs.py); the mistakes are marked "The mistake".
"""

import argparse
import datetime
import os
import socket
import struct
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "kit", "python"))
import socketfuncs  # noqa: E402

SERVER_MISTAKES = {
    "none": "the solution",
    "no-flush": "writes each post but leaves it in Python's buffer (no flush, no sync)",
    "one-byte-writes": "correct: sends every frame one byte per send()",
}
CLIENT_MISTAKES = {
    "none": "the solution",
    "no-ack-wait": "closes right after sending, as the course's client does",
    "prefixed-output": 'correct: prints "Stored: <post>" instead of "Posted: <post>"',
}

parser = argparse.ArgumentParser(description="Stage 3 programs with one deliberate mistake each")
roles = parser.add_subparsers(dest="role", required=True)
server_args = roles.add_parser("server")
server_args.add_argument("--bind", default="0.0.0.0")
server_args.add_argument("--port", type=int, default=10000)
server_args.add_argument("--data", default="posts.log")
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


def load_posts(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    posts = []
    whole = 0
    while whole + 4 <= len(data):
        (length,) = struct.unpack("!I", data[whole : whole + 4])
        if whole + 4 + length > len(data):
            break
        posts.append(data[whole + 4 : whole + 4 + length].decode("utf-8"))
        whole += 4 + length
    if whole < len(data):
        with open(path, "r+b") as f:
            f.truncate(whole)
    return posts


def store_post(post_file, post):
    payload = post.encode("utf-8")
    post_file.write(struct.pack("!I", len(payload)) + payload)
    if mistake != "no-flush":  # The mistake: the post stays in Python's buffer.
        post_file.flush()
        os.fsync(post_file.fileno())


def serve():
    posts = load_posts(args.data)
    post_file = open(args.data, "ab")
    family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET
    s = socket.create_server((args.bind, args.port), family=family)
    ip, port = s.getsockname()[:2]
    print("listening on %s:%d" % ("[%s]" % ip if ":" in ip else ip, port), flush=True)
    while True:
        (conn, address) = s.accept()
        conn.settimeout(2)
        peer = OneByteWrites(conn) if mistake == "one-byte-writes" else conn
        try:
            socketfuncs.send_message(peer, str(len(posts)))
            for p in posts:
                socketfuncs.send_message(peer, p)
            msg = socketfuncs.receive_message(peer)
            if msg != "":
                time = datetime.datetime.now().astimezone().isoformat(timespec="microseconds")
                post = "[%s %s] %s" % (time, address[0], msg)
                store_post(post_file, post)
                posts.append(post)
                socketfuncs.send_message(peer, post)
        except (OSError, ValueError) as error:
            print("Dropped %s: %s" % (address[0], error), flush=True)
        conn.close()


def post():
    sent = False
    try:
        s = socket.create_connection((args.host, args.port))
        s.settimeout(5)
        count = int(socketfuncs.receive_message(s))
        for i in range(count):
            p = socketfuncs.receive_message(s)
            if p == "":
                raise ConnectionError("the server closed after %d of %d posts" % (i, count))
            print(p, flush=True)
        msg = args.message if args.message is not None else input("Message: ")
        socketfuncs.send_message(s, msg)
        sent = True
        if msg == "" or mistake == "no-ack-wait":  # The mistake: a close is taken for success.
            return
        ack = socketfuncs.receive_message(s)
    except (OSError, ValueError, EOFError) as error:
        print("client: %s" % error, file=sys.stderr)
        sys.exit(3 if sent else 1)
    if ack == "":
        print("client: no acknowledgement: the post may or may not be stored", file=sys.stderr)
        sys.exit(3)
    print("%s: %s" % ("Stored" if mistake == "prefixed-output" else "Posted", ack))


serve() if args.role == "server" else post()
