"""Tests of kit/python/socketfuncs.py over real sockets (no chatkit binaries needed).

Run: python3 tests/interop/socketfuncs_test.py
"""

import os
import socket
import sys
import threading
import unittest

sys.path.insert(
    0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "kit", "python")
)

import socketfuncs  # noqa: E402  (needs the sys.path entry above)

# No test should ever wait this long; a hang fails the test instead of blocking ctest.
_TIMEOUT_SECONDS = 10


def _loopback_pair():
    """Return (client, server) ends of a real TCP connection over 127.0.0.1."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        client = socket.create_connection(listener.getsockname(), timeout=_TIMEOUT_SECONDS)
        server, _ = listener.accept()
    server.settimeout(_TIMEOUT_SECONDS)
    return client, server


def _receive_all(sock):
    """Read until the peer closes; returns every byte that arrived."""
    data = bytearray()
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return bytes(data)
        data += chunk


class _LockStepReceiver:
    """Wraps a socket so that its peer sends one byte per recv() call.

    Each recv() first lets the sending thread send one more byte (``wants_more``), so exactly
    one byte is ever in flight: every recv() returns a single byte, deterministically.
    """

    def __init__(self, sock):
        self.sock = sock
        self.wants_more = threading.Semaphore(0)
        self.recv_calls = 0

    def recv(self, size):
        self.recv_calls += 1
        self.wants_more.release()
        return self.sock.recv(size)


class SocketfuncsTest(unittest.TestCase):
    def setUp(self):
        self.sender, self.receiver = _loopback_pair()
        self.addCleanup(self.sender.close)
        self.addCleanup(self.receiver.close)

    def assert_round_trip(self, text, **limit):
        # The sender runs in a thread: a frame bigger than the socket buffers blocks sendall
        # until the receiver reads.
        thread = threading.Thread(
            target=socketfuncs.send_message, args=(self.sender, text), kwargs=limit
        )
        thread.start()
        received = socketfuncs.receive_message(self.receiver, **limit)
        thread.join(_TIMEOUT_SECONDS)
        self.assertEqual(
            received,
            text,
            "round trip changed the message: sent %d chars, received %d"
            % (len(text), len(received)),
        )

    def test_round_trips_ascii(self):
        self.assert_round_trip("Hello, chat!")

    def test_round_trips_multibyte_utf8(self):
        self.assert_round_trip("héllo wörld ✓ 🎉")

    def test_round_trips_empty_message(self):
        self.assert_round_trip("")

    def test_round_trips_message_exactly_at_limit(self):
        self.assert_round_trip("x" * socketfuncs.MAX_MESSAGE_BYTES)

    def test_round_trips_message_at_custom_limit(self):
        # "é" is 2 bytes: 5 characters are 10 bytes, exactly at the limit.
        self.assert_round_trip("ééééé", max_message_bytes=10)

    def test_consecutive_messages_stay_separate(self):
        for text in ["one", "", "three"]:
            socketfuncs.send_message(self.sender, text)
        received = [socketfuncs.receive_message(self.receiver) for _ in range(3)]
        self.assertEqual(received, ["one", "", "three"])

    def test_wire_format_is_big_endian_length_then_utf8(self):
        socketfuncs.send_message(self.sender, "Hi")
        socketfuncs.send_message(self.sender, "é")
        self.sender.close()
        wire = _receive_all(self.receiver)
        expected = b"\x00\x00\x00\x02Hi" + b"\x00\x00\x00\x02\xc3\xa9"
        self.assertEqual(wire, expected, "expected %s, got %s" % (expected.hex(), wire.hex()))

    def test_receive_reassembles_bytes_sent_one_at_a_time(self):
        payload = "wörld ✓".encode("utf-8")
        frame = len(payload).to_bytes(4, "big") + payload
        receiver = _LockStepReceiver(self.receiver)

        def send_byte_by_byte():
            for byte in frame:
                if not receiver.wants_more.acquire(timeout=_TIMEOUT_SECONDS):
                    return
                self.sender.sendall(bytes([byte]))

        thread = threading.Thread(target=send_byte_by_byte)
        thread.start()
        received = socketfuncs.receive_message(receiver)
        thread.join(_TIMEOUT_SECONDS)
        self.assertEqual(received, "wörld ✓")
        self.assertEqual(
            receiver.recv_calls,
            len(frame),
            "expected one recv per byte of the %d-byte frame" % len(frame),
        )

    def test_clean_close_before_a_frame_returns_empty_string(self):
        self.sender.close()
        self.assertEqual(socketfuncs.receive_message(self.receiver), "")

    def test_close_inside_length_prefix_raises_connection_error(self):
        self.sender.sendall(b"\x00\x00")
        self.sender.close()
        with self.assertRaises(ConnectionError):
            socketfuncs.receive_message(self.receiver)

    def test_close_inside_payload_raises_connection_error(self):
        self.sender.sendall(b"\x00\x00\x00\x05Hel")
        self.sender.close()
        with self.assertRaisesRegex(ConnectionError, "3 of the 5 bytes"):
            socketfuncs.receive_message(self.receiver)

    def test_close_before_announced_payload_raises_connection_error(self):
        self.sender.sendall(b"\x00\x00\x00\x05")
        self.sender.close()
        with self.assertRaises(ConnectionError):
            socketfuncs.receive_message(self.receiver)

    def test_length_above_limit_raises_value_error_before_reading_payload(self):
        limit = socketfuncs.MAX_MESSAGE_BYTES
        # The length prefix announces one byte too many; a second frame follows. If the
        # receiver had started reading the payload, it would have consumed the next frame.
        self.sender.sendall((limit + 1).to_bytes(4, "big") + b"\x00\x00\x00\x04next")
        with self.assertRaisesRegex(ValueError, str(limit + 1)):
            socketfuncs.receive_message(self.receiver)
        self.sender.close()
        self.assertEqual(
            _receive_all(self.receiver),
            b"\x00\x00\x00\x04next",
            "receive_message read past the length prefix of a frame it rejected",
        )

    def test_custom_limit_is_honoured(self):
        self.sender.sendall(b"\x00\x00\x00\x06abcdef")
        with self.assertRaises(ValueError):
            socketfuncs.receive_message(self.receiver, max_message_bytes=5)

    def test_invalid_utf8_payload_raises_value_error(self):
        # 0xC3 starts a 2-byte sequence; "(" cannot continue it.
        self.sender.sendall(b"\x00\x00\x00\x02\xc3(")
        with self.assertRaisesRegex(ValueError, "UTF-8"):
            socketfuncs.receive_message(self.receiver)

    def test_send_refuses_message_above_limit(self):
        with self.assertRaises(ValueError):
            socketfuncs.send_message(self.sender, "ééé", max_message_bytes=5)
        self.sender.close()
        self.assertEqual(_receive_all(self.receiver), b"", "a refused message sent bytes")

    def test_send_refuses_bytes(self):
        with self.assertRaises(TypeError):
            socketfuncs.send_message(self.sender, b"Hi")


if __name__ == "__main__":
    unittest.main()
