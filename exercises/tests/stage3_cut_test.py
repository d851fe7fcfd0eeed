#!/usr/bin/env python3
"""A stage-3 server started on a posts file whose last post was only half written (the server
died while writing it) must still print "listening on" as its first line, serve only the whole
posts, and store its next post after the last whole one. The reference solutions write the posts
file as frames (4 big-endian length bytes, then the post), so this test writes one that way.

Usage: stage3_cut_test.py SERVER [ARGS...]   (the test adds --port 0 --data PATH)"""
import os
import socket
import struct
import subprocess
import sys
import tempfile

WHOLE = "[2026-11-24T09:14:40.000017+01:00 192.0.2.7] Hello".encode()


def frame(payload):
    return struct.pack("!I", len(payload)) + payload


def recv_exactly(conn, count):
    data = b""
    while len(data) < count:
        chunk = conn.recv(count - len(data))
        if not chunk:
            sys.exit(f"FAIL: the connection ended after {len(data)} of {count} bytes")
        data += chunk
    return data


def receive(conn):
    (n,) = struct.unpack("!I", recv_exactly(conn, 4))
    return recv_exactly(conn, n)


def main():
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "posts.log")
        with open(path, "wb") as f:
            f.write(frame(WHOLE) + struct.pack("!I", 40) + b"half")  # 4 of 40 bytes
        server = subprocess.Popen(sys.argv[1:] + ["--port", "0", "--data", path],
                                  stdout=subprocess.PIPE, text=True)
        try:
            first = server.stdout.readline().strip()
            if not first.startswith("listening on "):
                sys.exit(f"FAIL: the first line is {first!r}, not 'listening on ADDR:PORT'")
            port = int(first.rsplit(":", 1)[1])
            with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
                count = receive(conn)
                posts = [receive(conn) for _ in range(int(count))]
                if posts != [WHOLE]:
                    sys.exit(f"FAIL: the history is {posts!r}, expected only the whole post")
                conn.sendall(frame(b"after the cut"))
                conn.shutdown(socket.SHUT_WR)
                ack = receive(conn)
            with open(path, "rb") as f:
                stored = f.read()
            if stored != frame(WHOLE) + frame(ack):
                sys.exit(f"FAIL: the file holds {stored!r}: the half post was not cut off")
        finally:
            server.kill()
            server.wait()
    print("PASS: the half-written post was cut off, and the next post follows the whole one")


main()
