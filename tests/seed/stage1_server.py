# server.py for chat (incomplete)

import socket
import socketfuncs

history = []

s = socket.socket()
s.bind(("0.0.0.0", 10000))
while True:
    print("Listening...")
    s.listen()
    (conn, address) = s.accept()
    print("Got connection from %s" % address[0])
    msg = socketfuncs.receive_message(conn)
    history.append(msg)
    print("History length: %d" % len(history))
    for h in history:
        print(" >> %s" % h)
s.close()
