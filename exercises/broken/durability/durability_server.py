"""A stage-3 chat server with a choice of ways to store its posts: some durable, some not.

The teeth of the check Stage3Server.AcknowledgesOnlyAfterThePostIsSynced (see CMakeLists.txt
here): it must fail every --storage that acknowledges a post before the post is on the disk, and
pass every correct one. Everything else about the server is correct, so the checks that a kill -9
can make (Stage3Server.KeepsAnAcknowledgedPostAfterKill9) pass for all of them: the kernel keeps
written bytes whether they were synced or not, and only a power cut tells the difference.

  --storage            what it does with a post                              durable?
  ack-before-write     acknowledges, then appends and fsyncs                 no
  sync-after-ack       appends, acknowledges, then fsyncs                    no
  never-syncs          appends, acknowledges; never fsyncs                   no
  fsync-without-flush  appends through Python's buffer, fsyncs before        no
                       flushing it (the bytes were still in the program)
  sqlite-normal        SQLite, WAL, synchronous=NORMAL (a commit is not      no
                       synced in WAL mode)
  fsync                appends, fsyncs, acknowledges                         yes
  fdatasync            appends, fdatasyncs, acknowledges                     yes
  o-sync               appends to a file opened with O_SYNC, acknowledges    yes
  o-dsync              appends to a file opened with O_DSYNC, acknowledges   yes
  replace              writes all posts to {data}.tmp, fsyncs it, renames    yes
                       it over {data}, fsyncs the folder, acknowledges
  sqlite-full          SQLite, WAL, synchronous=FULL (as chat-server)        yes

The file holds one frame per post (4-byte big-endian length, then the UTF-8 post), as the
stage-3 starter's; a frame cut short at the end is ignored. Standard library only:
    python3 -B durability_server.py --port {port} --data {data} --storage fsync
"""

import argparse
import datetime
import os
import socket
import sqlite3
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "kit", "python"))
import socketfuncs  # noqa: E402

STORAGES = [
    "ack-before-write", "sync-after-ack", "never-syncs", "fsync-without-flush", "sqlite-normal",
    "fsync", "fdatasync", "o-sync", "o-dsync", "replace", "sqlite-full",
]


def frame(post):
    payload = post.encode("utf-8")
    return struct.pack("!I", len(payload)) + payload


def read_frames(path):
    try:
        with open(path, "rb") as infile:
            data = infile.read()
    except FileNotFoundError:
        return []
    posts, at = [], 0
    while at + 4 <= len(data):
        (length,) = struct.unpack("!I", data[at:at + 4])
        if at + 4 + length > len(data):
            break  # Cut short: the server died while writing it.
        posts.append(data[at + 4:at + 4 + length].decode("utf-8"))
        at += 4 + length
    return posts


class FrameFile:
    """Posts appended to a file of frames, with `storage` saying how they reach the disk."""

    def __init__(self, path, storage):
        self.path, self.storage = path, storage
        self.posts = read_frames(path)
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        if storage == "o-sync":
            flags |= os.O_SYNC
        if storage == "o-dsync":
            flags |= os.O_DSYNC
        self.fd = os.open(path, flags, 0o644)
        self.buffered = open(self.fd, "ab", closefd=False) if storage == "fsync-without-flush" else None

    def store(self, post, acknowledge):
        self.posts.append(post)
        if self.storage == "ack-before-write":
            acknowledge()
            os.write(self.fd, frame(post))
            os.fsync(self.fd)
            return
        if self.storage == "replace":
            self.replace_all()
        elif self.storage == "fsync-without-flush":
            self.buffered.write(frame(post))
            os.fsync(self.fd)  # The mistake: the bytes are still in Python's buffer.
            self.buffered.flush()
        else:
            os.write(self.fd, frame(post))
        if self.storage == "sync-after-ack":
            acknowledge()
            os.fsync(self.fd)
            return
        if self.storage == "fsync":
            os.fsync(self.fd)
        elif self.storage == "fdatasync":
            os.fdatasync(self.fd)
        acknowledge()  # never-syncs, o-sync, o-dsync: right after the write.

    def replace_all(self):
        temporary = self.path + ".tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, b"".join(frame(post) for post in self.posts))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, self.path)
        folder = os.open(os.path.dirname(os.path.abspath(self.path)), os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


class SqliteFile:
    def __init__(self, path, storage):
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=%s" % ("FULL" if storage == "sqlite-full" else "NORMAL"))
        self.db.execute("CREATE TABLE IF NOT EXISTS posts (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        self.posts = [row[0] for row in self.db.execute("SELECT text FROM posts ORDER BY id")]

    def store(self, post, acknowledge):
        self.db.execute("INSERT INTO posts (text) VALUES (?)", (post,))
        self.posts.append(post)
        acknowledge()


def lookup_host(ip):
    try:
        name = socket.gethostbyaddr(ip)[0]
        return ip if (" " in name or "]" in name) else name
    except OSError:
        return ip


def serve(conn, address, store):
    socketfuncs.send_message(conn, str(len(store.posts)))
    for post in list(store.posts):
        socketfuncs.send_message(conn, post)
    message = socketfuncs.receive_message(conn)
    if not message:
        return
    time = datetime.datetime.now().astimezone().isoformat(timespec="microseconds")
    post = "[%s %s] %s" % (time, lookup_host(address[0]), message)
    store.store(post, lambda: socketfuncs.send_message(conn, post))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=10000)
    parser.add_argument("--data", required=True)
    parser.add_argument("--storage", choices=STORAGES, required=True)
    args = parser.parse_args()

    if args.storage.startswith("sqlite"):
        store = SqliteFile(args.data, args.storage)
    else:
        store = FrameFile(args.data, args.storage)

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen()
    print("listening on 127.0.0.1:%d" % listener.getsockname()[1], flush=True)
    while True:
        conn, address = listener.accept()
        conn.settimeout(5)
        try:
            serve(conn, address, store)
        except (OSError, ValueError, ConnectionError) as error:
            print("Dropped %s: %s" % (address[0], error), flush=True)
        finally:
            conn.close()


if __name__ == "__main__":
    main()
