"""Stage 3 chat server: stage 2, with the history on disk. Every post is stored as

    [<time> <host>] <message>
    [2026-11-24T09:15:02.123456+01:00 pc7.lab.example.org] Hi

and survives restarts and crashes; the server sends the stored post back to the client (the
acknowledgement) once, and only once, it is safely on disk. In this stage "history" is an
ordinary message.

Your task: the TODOs below (exercises/stage3/README.md). Check your work with

    cmake --build build --target check-stage3-python
"""

import argparse
import datetime
import socket
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
    # TODO(stage 3): read back the posts that store_post (below) wrote, oldest first. The format
    # of the file is yours: one frame per post (the same 4-byte big-endian length and UTF-8
    # bytes as on the wire) works well, since a post may hold any text, newlines too.
    # - No file yet: no posts yet.
    # - The last post may be cut short: the server was killed (or the power went) while it was
    #   writing it. That post was never acknowledged, so drop it, and cut it off the file too:
    #   posts written after it would otherwise be read as its missing part.
    return []


def store_post(post_file, post):
    """Append `post` to the open file `post_file`, and return once it is safely on disk."""
    # TODO(stage 3): add `post` at the end of the file, in the format load_posts reads. "Safely
    # on disk" means that it survives two things, and both are the server's promise once it
    # acknowledges the post:
    # - the server being killed (kill -9, a crash) a moment later: bytes that are still in
    #   Python's own buffer, inside the program, die with it;
    # - a power cut a moment later: bytes the operating system has been given sit in its memory
    #   for a while before they reach the disk. Wait until they are on the disk itself.
    pass


parser = argparse.ArgumentParser(
    description="Stage 3 chat server: posts are stored on disk and acknowledged")
parser.add_argument("--bind", default="0.0.0.0", help="IP address to listen on")
parser.add_argument("--port", type=int, default=10000, help="TCP port; 0 picks a free one")
parser.add_argument("--data", default="posts.log", help="the file that holds the posts")
args = parser.parse_args()

family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET  # "::" and "::1" are IPv6
try:
    posts = load_posts(args.data)
    # TODO(stage 3): open the file args.data for store_post: every write goes to its end, after
    # the posts already there (and a missing file is created).
    post_file = None
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
        # TODO(stage 3): as in stage 2, first make sure a silent client cannot keep the server
        # waiting forever, then send the history: the count (decimal text), then every post,
        # oldest first.
        #
        # TODO(stage 3): receive the client's message. The empty message is never stored and
        # gets no acknowledgement. For any other (in stage 3, "history" too):
        #   1. Build its post, "[<time> <host>] <message>": the time when it arrived and the
        #      client's host come from the two functions at the top of this file; the message
        #      goes in byte for byte.
        #   2. Store the post (store_post), and only then add it to `posts`.
        #   3. Send the post back to the client as one frame: the acknowledgement. It says
        #      "your post is on disk", so it must come after step 2, never before: a server
        #      that acknowledges first and then dies has lied to the client.
        pass
    except (OSError, ValueError) as error:
        print("Dropped %s: %s" % (address[0], error), flush=True)
    conn.close()
