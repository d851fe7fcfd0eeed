"""socketfuncs: whole text messages over a TCP socket. Yours to write: stage 1's lesson.

TCP carries a stream of bytes, not messages: what one side sends in one go may arrive in many
pieces, even one byte at a time, or glued to the start of the next message. So every message
travels as one *frame*, which says where it ends:

    +----------------------------------+-------------------------------------+
    | its length N: 4 bytes, unsigned, | N bytes: the text, encoded as UTF-8 |
    | big-endian (most significant     | (no terminator)                     |
    | byte first)                      |                                     |
    +----------------------------------+-------------------------------------+

    "Hi"     00 00 00 02 48 69                 N = 2
    "héllo"  00 00 00 06 68 c3 a9 6c 6c 6f     5 characters, 6 bytes: é is c3 a9
    ""       00 00 00 00                       the empty message
    300 bytes of text: 00 00 01 2c ...         300 = 1 x 256 + 44 (2c)

server.py and client.py import this file (import socketfuncs). The full description of the
bytes is docs/protocol.md, section 2. Check your work with

    cmake --build build --target check-stage1-python

Use only Python's standard library; add the imports you need at the top.

A solution: the starter with its TODOs done.
"""

import struct

# The longest message receive_message accepts, in bytes: 1 MiB. The length comes from the other
# side of the connection: without a limit, four bytes saying "4 GiB follows" would make us wait
# for 4 GiB, and keep it.
MAX_MESSAGE_BYTES = 1024 * 1024


def send_message(sock, text):
    """Send `text` (a str) over the connected socket `sock` as one frame."""
    payload = text.encode("utf-8")
    frame = struct.pack("!I", len(payload)) + payload  # "!": network byte order, big-endian
    while frame:
        sent = sock.send(frame)
        frame = frame[sent:]


def receive_exactly(sock, count):
    """Return `count` bytes from `sock`, or fewer if the connection ends first (b"" at once)."""
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if chunk == b"":
            break
        data += chunk
    return data


def receive_message(sock):
    """Receive one frame from the connected socket `sock` and return its text.

    Returns "" when the other side closed the connection before the first byte of a frame (a
    normal end: it had nothing more to say). The empty message (N = 0) is "" too.
    Raises ConnectionError when the connection ends part-way through a frame, and ValueError
    when N is over MAX_MESSAGE_BYTES or the text is not valid UTF-8. (server.py catches both.)
    """
    header = receive_exactly(sock, 4)
    if header == b"":
        return ""
    if len(header) < 4:
        raise ConnectionError("closed after %d of 4 length bytes" % len(header))
    (length,) = struct.unpack("!I", header)
    if length > MAX_MESSAGE_BYTES:
        raise ValueError("a length of %d bytes is over the limit" % length)
    payload = receive_exactly(sock, length)
    if len(payload) < length:
        raise ConnectionError("closed after %d of %d payload bytes" % (len(payload), length))
    return payload.decode("utf-8")  # UnicodeDecodeError, a ValueError, if it is not UTF-8
