"""Stage 3 chat server: stage 2, with the history on disk. Every post is stored as

    [<time> <host>] <message>
    [2026-11-24T09:15:02.123456+01:00 pc7.lab.example.org] Hi

and survives restarts and crashes; the server sends the stored post back to the client (the
acknowledgement) once, and only once, it is safely on disk. In this stage "history" is an
ordinary message.

Your task: the TODOs below (exercises/stage3/README.md). Check your work with

    cmake --build build --target check-stage3-python

A solution: the starter with its TODOs done.
"""

import argparse
import datetime
import os
import socket
import struct
import threading

import socketfuncs


def local_time_now():
    """Now, as local time with microseconds and the UTC offset: 2026-11-24T09:15:02.123456+01:00."""
    return datetime.datetime.now().astimezone().isoformat(timespec="microseconds")


def host_name_of(ip):
    """The reverse-DNS name of `ip`, or `ip` itself when it has none (or none within 2 seconds)."""
    names = []

    def look_up():
        try:
            names.append(socket.gethostbyaddr(ip)[0])
        except OSError:
            pass

    lookup = threading.Thread(target=look_up, daemon=True)
    lookup.start()
    lookup.join(timeout=2)
    if names and " " not in names[0] and "]" not in names[0]:  # a post's host has neither
        return names[0]
    return ip


def load_posts(path):
    """The posts stored in the file at `path`, oldest first."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    posts = []
    whole = 0  # bytes of whole frames so far
    while whole + 4 <= len(data):
        (length,) = struct.unpack("!I", data[whole : whole + 4])
        if whole + 4 + length > len(data):
            break
        posts.append(data[whole + 4 : whole + 4 + length].decode("utf-8"))
        whole += 4 + length
    if whole < len(data):
        print("Cutting off %d bytes at the end of %s" % (len(data) - whole, path), flush=True)
        with open(path, "r+b") as f:
            f.truncate(whole)
    return posts


def store_post(post_file, post):
    """Append `post` to the open file `post_file`, and return once it is safely on disk."""
    payload = post.encode("utf-8")
    post_file.write(struct.pack("!I", len(payload)) + payload)
    post_file.flush()  # from Python's buffer to the operating system: survives kill -9
    os.fsync(post_file.fileno())  # from the operating system to the disk: survives a power cut


def send_history(conn, posts):
    socketfuncs.send_message(conn, str(len(posts)))
    for p in posts:
        socketfuncs.send_message(conn, p)


parser = argparse.ArgumentParser(
    description="Stage 3 chat server: posts are stored on disk and acknowledged")
parser.add_argument("--bind", default="0.0.0.0", help="IP address to listen on")
parser.add_argument("--port", type=int, default=10000, help="TCP port; 0 picks a free one")
parser.add_argument("--data", default="posts.log", help="the file that holds the posts")
args = parser.parse_args()

family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET  # "::" and "::1" are IPv6
try:
    posts = load_posts(args.data)
    post_file = open(args.data, "ab")  # "a": every write goes to the end
    # socket(), bind() and listen() in one; "::" listens on every IPv6 and IPv4 address.
    s = socket.create_server(
        (args.bind, args.port), family=family, dualstack_ipv6=args.bind == "::")
except (OSError, ValueError) as error:  # the port is in use, the file cannot be read, ...
    parser.exit(1, "server: %s\n" % error)
ip, port = s.getsockname()[:2]
print("listening on %s:%d" % ("[%s]" % ip if ":" in ip else ip, port), flush=True)
print("%d posts in %s" % (len(posts), args.data), flush=True)

while True:
    (conn, address) = s.accept()
    print("Got connection from %s" % address[0], flush=True)
    try:
        conn.settimeout(2)
        send_history(conn, posts)
        msg = socketfuncs.receive_message(conn)
        if msg != "":
            post = "[%s %s] %s" % (local_time_now(), host_name_of(address[0]), msg)
            if len(post.encode("utf-8")) > socketfuncs.MAX_MESSAGE_BYTES:
                raise ValueError("the post is over the limit: not stored")
            store_post(post_file, post)
            posts.append(post)
            socketfuncs.send_message(conn, post)  # the acknowledgement: only now is it true
    except (OSError, ValueError) as error:
        print("Dropped %s: %s" % (address[0], error), flush=True)
    conn.close()
