# chat client that goes with chat server immediately above

import socket
import socketfuncs

s = socket.socket()
s.connect(('18.234.145.155', 10333))

# receive number of posts
numposts = int(socketfuncs.receive_message(s))
# loop through each post
for i in range(numposts):
    post = socketfuncs.receive_message(s)
    print(post)

msg = input("Add your post: ")
socketfuncs.send_message(s, msg)
s.close()
