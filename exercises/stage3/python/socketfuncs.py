"""Send and receive whole text messages over a TCP socket.

TCP carries a stream of bytes, not messages: one ``send`` of 10 bytes may arrive as one
``recv`` of 10 bytes, or as ten ``recv`` calls of 1 byte each, or glued to the bytes of the
next message. So that the receiver knows where one message ends, every message travels as a
*frame*::

    +----------------------------------+------------------------------------+
    | length: 4 bytes, unsigned,       | payload: exactly `length` bytes of |
    | big-endian ("network byte order")| UTF-8 text, no terminator          |
    +----------------------------------+------------------------------------+

"Hi" is sent as the six bytes ``00 00 00 02 48 69``.

Usage::

    import socketfuncs

    socketfuncs.send_message(sock, "Hello!")
    text = socketfuncs.receive_message(sock)  # "" once the peer has closed

The functions take any connected stream socket and use only the standard library.
"""

import struct

__all__ = ["MAX_MESSAGE_BYTES", "send_message", "receive_message"]

# The largest payload, in bytes, that receive_message accepts unless told otherwise: 1 MiB.
# A limit matters because the length prefix comes from the other side of the connection:
# without one, four bytes saying "4 GiB follows" would make us try to buffer 4 GiB.
MAX_MESSAGE_BYTES = 1024 * 1024

# "!" = network byte order (big-endian), "I" = unsigned 32-bit integer.
_HEADER = struct.Struct("!I")


def send_message(sock, text, *, max_message_bytes=MAX_MESSAGE_BYTES):
    """Send ``text`` as one frame: its UTF-8 length as 4 big-endian bytes, then the bytes.

    ``sendall`` is used because ``send`` may send only part of the data it is given.
    Raises TypeError if ``text`` is not a str, and ValueError if its UTF-8 encoding is longer
    than ``max_message_bytes`` (the receiver would refuse it). Socket errors propagate
    (for example ConnectionResetError when the peer has reset the connection).
    """
    if not isinstance(text, str):
        raise TypeError("send_message sends text (str), got %s" % type(text).__name__)
    payload = text.encode("utf-8")
    if len(payload) > max_message_bytes:
        raise ValueError(
            "message is %d bytes of UTF-8, more than the limit of %d bytes"
            % (len(payload), max_message_bytes)
        )
    # One sendall for header and payload: the frame leaves in as few packets as possible.
    sock.sendall(_HEADER.pack(len(payload)) + payload)


def receive_message(sock, *, max_message_bytes=MAX_MESSAGE_BYTES):
    """Receive one frame and return its text.

    Returns "" when the peer closed the connection cleanly before sending the first byte of
    a frame. (An empty message, a frame of length 0, is also returned as "".)

    Raises:
        ConnectionError: the connection ended part-way through a frame.
        ValueError: the length prefix announces more than ``max_message_bytes`` (checked
            before any of the payload is read, so nothing is buffered), or the payload is
            not valid UTF-8.
    Other socket errors propagate, for example ConnectionResetError or socket.timeout.
    """
    header = _receive_exactly(sock, _HEADER.size)
    if len(header) == 0:
        return ""
    if len(header) < _HEADER.size:
        raise ConnectionError(
            "connection closed after %d of the %d bytes of a length prefix"
            % (len(header), _HEADER.size)
        )
    (length,) = _HEADER.unpack(header)
    if length > max_message_bytes:
        raise ValueError(
            "frame announces %d bytes, more than the limit of %d bytes"
            % (length, max_message_bytes)
        )
    payload = _receive_exactly(sock, length)
    if len(payload) < length:
        raise ConnectionError(
            "connection closed after %d of the %d bytes of a payload" % (len(payload), length)
        )
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError("message is not valid UTF-8: %s" % error) from error


def _receive_exactly(sock, count):
    """Return ``count`` bytes from ``sock``; fewer (maybe b"") only if the peer closed first.

    ``recv(n)`` returns *up to* n bytes, whatever has arrived so far, so we loop until we
    have them all. ``recv`` returning b"" means the peer closed its side: no more bytes will
    ever come, so we return what we have and let the caller decide what that means.
    """
    received = bytearray()
    while len(received) < count:
        chunk = sock.recv(count - len(received))
        if not chunk:
            break
        received += chunk
    return bytes(received)
