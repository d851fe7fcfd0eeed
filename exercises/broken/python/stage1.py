"""Stage 1 server and client in Python, each with one deliberate mistake (or a correct variant).

The exercise checks' own tests (exercises/python.cmake) run these to prove that each mistake a
student can make in stage 1's socketfuncs, server or client is caught by a named check, and that
correct programs that merely differ (thin writes, other output around the history) pass:

    python3 -B stage1.py server --port {port} --mistake MISTAKE
    python3 -B stage1.py client --host {host} --port {port} --message {message} --mistake MISTAKE

Derived from exercises/solutions/stage1/python/; the mistakes are marked "The mistake".
"""

import argparse
import socket
import struct
import sys
import time

MAX_MESSAGE_BYTES = 1024 * 1024

SERVER_MISTAKES = {
    "none": "the solution",
    "little-endian": "reads the length least significant byte first",
    "single-recv": "takes one recv() for the whole frame",
    "no-limit": "reads a payload of any announced length",
    "prefixed-output": "correct: prints a time before each line of the history",
}
CLIENT_MISTAKES = {
    "none": "the solution",
    "little-endian": "sends the length least significant byte first",
    "character-length": "sends the number of characters as the length",
    "one-byte-writes": "correct: sends its frame one byte per send()",
}

parser = argparse.ArgumentParser(description="Stage 1 programs with one deliberate mistake each")
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


def send_message(sock, text):
    payload = text.encode("utf-8")
    length = len(payload)
    if mistake == "character-length":
        length = len(text)  # The mistake: characters, not bytes.
    order = "<I" if mistake == "little-endian" else "!I"  # The mistake: "<" is little-endian.
    frame = struct.pack(order, length) + payload
    while frame:
        piece = frame[:1] if mistake == "one-byte-writes" else frame
        sent = sock.send(piece)
        frame = frame[sent:]


def receive_exactly(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if chunk == b"":
            break
        data += chunk
    return data


def receive_message(sock):
    if mistake == "single-recv":
        # The mistake: one recv(), as if a frame always arrived whole.
        data = sock.recv(4 + MAX_MESSAGE_BYTES)
        if data == b"":
            return ""
        if len(data) < 4:
            raise ConnectionError("got %d bytes, not a whole frame" % len(data))
        (length,) = struct.unpack("!I", data[:4])
        return data[4 : 4 + length].decode("utf-8")
    header = receive_exactly(sock, 4)
    if header == b"":
        return ""
    if len(header) < 4:
        raise ConnectionError("connection closed after %d of 4 length bytes" % len(header))
    (length,) = struct.unpack("<I" if mistake == "little-endian" else "!I", header)
    if length > MAX_MESSAGE_BYTES and mistake != "no-limit":  # The mistake: no limit.
        raise ValueError("a length of %d bytes is over the limit" % length)
    payload = receive_exactly(sock, length)
    if len(payload) < length:
        raise ConnectionError("closed after %d of %d payload bytes" % (len(payload), length))
    return payload.decode("utf-8")


def serve():
    family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET
    s = socket.create_server((args.bind, args.port), family=family)
    ip, port = s.getsockname()[:2]
    print("listening on %s:%d" % ("[%s]" % ip if ":" in ip else ip, port), flush=True)
    prefix = time.strftime("%H:%M:%S ") if mistake == "prefixed-output" else ""
    history = []
    while True:
        (conn, address) = s.accept()
        try:
            msg = receive_message(conn)
            if msg != "":
                history.append(msg)
                print("%sHistory length: %d" % (prefix, len(history)))
                for h in history:
                    print("%s >> %s" % (prefix, h), flush=True)
        except (OSError, ValueError) as error:
            print("Dropped %s: %s" % (address[0], error), flush=True)
        conn.close()


def send():
    try:
        s = socket.create_connection((args.host, args.port))
        send_message(s, args.message if args.message is not None else input("Message: "))
        s.close()
    except (OSError, EOFError) as error:
        sys.exit("client: %s" % error)


serve() if args.role == "server" else send()
