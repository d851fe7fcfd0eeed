# client.py for chat (incomplete)

import socket
import socketfuncs

s = socket.socket()
s.connect(("18.234.145.155", 10000))
socketfuncs.send_message(s, "Test message")
s.close()
