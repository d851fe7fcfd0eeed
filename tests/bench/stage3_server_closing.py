# chat server with pickle (to save history after server quits),
# and dates and .com information of sender
#
# [chatkit benchmark variant] tests/seed/stage3_server.py with one change, the one the
# performance issue allows: the last line closes each connection when the server is done with
# it. The course's program leaves that to the garbage collector, which closes the socket only
# when `conn` is rebound at the next accept(), so a client that waits for the server's close
# (as every stage-3 client must, to know the conversation is over) would wait for the next
# client to arrive. Everything else is the course's code, byte for byte: see
# `diff tests/seed/stage3_server.py tests/bench/stage3_server_closing.py`.

import os.path
import pickle
import socket
import socketfuncs
from datetime import datetime

def load_posts():
    if os.path.exists("posts.pkl"):
        with open("posts.pkl", 'rb') as infile:
            return pickle.load(infile)
    else:
        return []

def save_posts(posts):
    with open("posts.pkl", 'wb') as outfile:
        pickle.dump(posts, outfile)

s = socket.socket()
s.bind(('0.0.0.0', 10333))

posts = load_posts()

while True:
    s.listen(10)
    (conn, address) = s.accept()
    try:
        domain = socket.gethostbyaddr(address[0])[0]
    except:
        domain = address[0]
    print("Accepted connection from {}".format(domain))

    # send all posts
    # first, send count of posts
    print("Sending post length: {}".format(len(posts)))
    socketfuncs.send_message(conn, str(len(posts)))
    for i in range(len(posts)):
        print("Sending post: {}".format(posts[i]))
        socketfuncs.send_message(conn, posts[i])

    msg = socketfuncs.receive_message(conn)
    if len(msg) != 0:
        print("Adding post: {}".format(msg))
        time = datetime.now().isoformat()
        posts.append("[{} {}] {}".format(time, domain, msg))
        save_posts(posts)
    conn.close()
