"""socketfuncs: whole text messages over a TCP socket (stage 1, a solution).

Every message travels as one frame: its length as 4 bytes, big-endian, then that many bytes of
UTF-8 text. "Hi" is the six bytes 00 00 00 02 48 69.
"""

import struct

# The longest message we accept, in bytes: 1 MiB. The length comes from the other side, and
# without a limit four bytes saying "4 GiB follows" would make us wait for (and keep) 4 GiB.
MAX_MESSAGE_BYTES = 1024 * 1024


def send_message(sock, text):
    """Send `text` as one frame."""
    payload = text.encode("utf-8")  # The length counts bytes, not characters: "é" is 2.
    frame = struct.pack("!I", len(payload)) + payload  # "!" = network order = big-endian
    while frame:  # send() may take only part of what it is given.
        sent = sock.send(frame)
        frame = frame[sent:]


def receive_exactly(sock, count):
    """Return `count` bytes, or fewer if the connection ends first (b"" if at once)."""
    data = b""
    while len(data) < count:  # recv(n) returns up to n bytes: what has arrived so far.
        chunk = sock.recv(count - len(data))
        if chunk == b"":  # The other side has closed: nothing more will ever come.
            break
        data += chunk
    return data


def receive_message(sock):
    """Receive one frame and return its text; "" when the connection ended before it.

    Raises ConnectionError when the connection ends inside a frame, and ValueError when the
    length is over MAX_MESSAGE_BYTES or the text is not UTF-8.
    """
    header = receive_exactly(sock, 4)
    if header == b"":
        return ""
    if len(header) < 4:
        raise ConnectionError("closed after %d of 4 length bytes" % len(header))
    (length,) = struct.unpack("!I", header)
    if length > MAX_MESSAGE_BYTES:  # Decided before a single payload byte is read.
        raise ValueError("a length of %d bytes is over the limit" % length)
    payload = receive_exactly(sock, length)
    if len(payload) < length:
        raise ConnectionError("closed after %d of %d payload bytes" % (len(payload), length))
    return payload.decode("utf-8")  # Raises UnicodeDecodeError, a ValueError, if it is not UTF-8.
