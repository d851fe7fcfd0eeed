#!/usr/bin/env python3
"""Writes the seed corpus of each fuzz target into fuzz/corpus/<target>/.

The seeds are the protocol's own examples and its documented mistakes (docs/protocol.md
sections 2.2, 2.3 and 2.6), in the input layout each target reads (see the targets' headers).
Re-run after changing a layout; the files are committed. Inputs that libFuzzer finds worth
keeping can be added with `fuzz/run.sh --merge` (docs/reliability.md).
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
LIMIT_16 = 6        # fuzz_support.h pick_limit(): index of the 16-byte limit
LIMIT_1MIB = 14     # ... and of the default limit, 1 MiB


def frame(text):
    payload = text.encode("utf-8") if isinstance(text, str) else text
    return struct.pack(">I", len(payload)) + payload


STREAMS = {
    "hi": frame("Hi"),
    "empty-message": frame(""),
    "hello-accented": frame("héllo"),
    "300-bytes": frame("x" * 300),
    "emoji-and-cjk": frame("chat ✓ 聊天 🙂"),
    "nul-and-newline": frame("a\x00b\nc"),
    "three-frames": frame("one") + frame("") + frame("three"),
    "history-command": frame("history"),
    "length-ffffffff": b"\xff\xff\xff\xff",
    "claim-64mib": b"\x04\x00\x00\x00" + b"x" * 100,
    "truncated-payload": b"\x00\x00\x00\x64" + b"a" * 50,
    "half-length": b"\x00\x00",
    "little-endian-length": b"\x02\x00\x00\x00Hi",
    "decimal-length": b"2Hi",
    "padded-decimal-length": b"0002Hi",
    "chars-not-bytes": b"\x00\x00\x00\x05h\xc3\xa9llo",
    "cut-character": b"\x00\x00\x00\x02h\xc3\xa9",
    "overlong-nul": frame(b"\xc0\x80"),
    "surrogate": frame(b"\xed\xa0\x80"),
    "above-max": frame(b"\xf4\x90\x80\x80"),
    "truncated-sequence": frame(b"ok\xe2\x82"),
    "at-limit-16": frame("0123456789abcdef"),
    "over-limit-16": frame("0123456789abcdefg"),
    "valid-then-garbage": frame("ok") + b"\xff\xfe\xfd",
}


def write(target, name, data):
    directory = os.path.join(HERE, "corpus", target)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as out:
        out.write(data)


def main():
    for name, stream in STREAMS.items():
        limit = LIMIT_16 if "16" in name else LIMIT_1MIB
        # frame_decoder: [limit][chunk seed][split point, 2 bytes] stream
        write("frame_decoder", name, bytes([limit, 7, 0, 5]) + stream)
        # server_session: [stage][limit][chunk seed][flags: 1 = EOF at the end] stream
        for stage in (1, 2, 3):
            for flags in (0, 1):
                write("server_session", "stage%d-%s%s" % (stage, name, "-eof" if flags else ""),
                      bytes([stage - 1, limit, 3, flags]) + stream)
    write("server_session", "stage3-eof-without-bytes", bytes([2, LIMIT_1MIB, 0, 1]))
    write("server_session", "stage2-eof-without-bytes", bytes([1, LIMIT_1MIB, 0, 3]))

    # mistakes: [mode][situation][limit] bytes. Mode 0: every stream above, and the bytes of the
    # course's broken programs, diagnosed in every situation; mode 1: texts separated by ff that
    # make a correct conversation of the situation (bit 0: server; (bits 1-2) % 3: stage - 1).
    for name, stream in STREAMS.items():
        write("mistakes", name, bytes([0, 0, LIMIT_16 if "16" in name else LIMIT_1MIB]) + stream)
    broken = {
        "server-binary-count": frame(struct.pack(">I", 2)) + frame("a") + frame("b"),
        "server-bare-count": struct.pack(">I", 2) + frame("a") + frame("b"),
        "server-missing-count": frame("Hi") + frame("there"),
        "server-little-endian": struct.pack("<I", 1) + b"0",
        "server-character-length": frame("1") + b"\x00\x00\x00\x05h\xc3\xa9llo",
        "server-missing-items": frame("3") + frame("a"),
        "client-length-as-text-newline": b"5\nhello",
    }
    for name, stream in broken.items():
        write("mistakes", name, bytes([0, 0, LIMIT_1MIB]) + stream)
    texts = b"\xff".join([b"Hi", "héllo".encode("utf-8"), b"", b"history", b"12"])
    for situation in range(6):
        write("mistakes", "correct-%s-stage%d" % ("server" if situation & 1 else "client",
                                                  situation // 2 + 1),
              bytes([1, situation, LIMIT_1MIB]) + texts)

    # history_log: operations. 0/1 append (0x80: large), 2 snapshot, 3 read (0x80: big pieces,
    # 0x40: append while reading).
    write("history_log", "append-snapshot-read", bytes([0, 5, 1, 9, 2, 3, 0, 1]))
    write("history_log", "empty-items", bytes([0, 0, 0, 0, 2, 3, 0, 2]))
    write("history_log", "across-blocks",
          bytes([0x80, 0x5f, 0xff, 0x81, 0x4f, 0x00, 2, 0x83, 0, 7, 0x80, 0x7f, 0xff, 2, 3, 1, 1]))
    write("history_log", "read-while-appending",
          bytes([0, 40, 1, 12, 2, 0x43, 0, 2, 0xc3, 0, 1, 2, 3, 1, 255]))


if __name__ == "__main__":
    main()
