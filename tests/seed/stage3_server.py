# chat server with pickle (to save history after server quits),
# and dates and .com information of sender

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
