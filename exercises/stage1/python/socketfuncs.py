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
"""

# The longest message receive_message accepts, in bytes: 1 MiB. The length comes from the other
# side of the connection: without a limit, four bytes saying "4 GiB follows" would make us wait
# for 4 GiB, and keep it.
MAX_MESSAGE_BYTES = 1024 * 1024


def send_message(sock, text):
    """Send `text` (a str) over the connected socket `sock` as one frame."""
    # TODO(stage 1): build the frame of `text` and send every byte of it.
    # - N counts the BYTES of the UTF-8 text, not its characters: "héllo" is 6, not 5. A receiver
    #   told 5 would take "héll" and leave the last byte to be misread as the next length.
    # - The 4 length bytes go most significant first (big-endian, "network byte order"): 300 is
    #   00 00 01 2c. Your processor keeps numbers the other way round (little-endian), and those
    #   bytes, 2c 01 00 00, would announce 738,263,040 bytes.
    # - Sending on a socket may take only part of what it is given (it tells you how much it
    #   took): keep going until the whole frame is sent, or the receiver waits for the rest
    #   forever.
    pass


def receive_message(sock):
    """Receive one frame from the connected socket `sock` and return its text.

    Returns "" when the other side closed the connection before the first byte of a frame (a
    normal end: it had nothing more to say). The empty message (N = 0) is "" too.
    Raises ConnectionError when the connection ends part-way through a frame, and ValueError
    when N is over MAX_MESSAGE_BYTES or the text is not valid UTF-8. (server.py catches both.)
    """
    # TODO(stage 1): receive one frame, in four steps.
    # 1. Get exactly 4 length bytes. A receive returns whatever has arrived so far, anything from
    #    1 byte to as many as you asked for; so ask again until you have all 4. A receive that
    #    returns no bytes at all means the other side has closed and nothing more will come:
    #    before the first byte that is the normal end (return ""), after 1 to 3 bytes the frame
    #    was cut short (raise ConnectionError).
    # 2. Turn the 4 bytes into N, most significant byte first. If N is over MAX_MESSAGE_BYTES,
    #    raise ValueError now, before you read (or make room for) a single payload byte: the
    #    other side may never send them.
    # 3. Get exactly N payload bytes, asking again and again as in step 1 (if the connection
    #    ends first: ConnectionError). Ask for no more than N: the bytes after them are not this
    #    message's.
    # 4. Decode them as UTF-8 and return the text; bytes that are not UTF-8 are a ValueError.
    return ""
