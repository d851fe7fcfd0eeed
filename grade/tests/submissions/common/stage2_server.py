"""A correct stage-2 chat server for chat-grade's test submissions (grade/tests/submissions/):
each submission's server.py changes one thing about it. Also the proof that a submission's own
modules beside server.py are found, and that the kit's socketfuncs.py is (none is submitted)."""

import argparse
import socket

import socketfuncs


def send_history(conn, history):
    socketfuncs.send_message(conn, str(len(history)))
    for item in history:
        socketfuncs.send_message(conn, item)


def serve(port=None, after_listening=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--bind", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=10000)
    args = parser.parse_args()
    s = socket.create_server((args.bind, args.port if port is None else port))
    print("listening on %s:%d" % s.getsockname()[:2], flush=True)
    if after_listening is not None:
        after_listening()
    history = []
    while True:
        conn, address = s.accept()
        conn.settimeout(2)
        try:
            send_history(conn, history)
            msg = socketfuncs.receive_message(conn)
            if msg == "history":
                send_history(conn, history)
            elif msg != "":
                history.append(msg)
        except (OSError, ValueError) as error:
            print("Dropped %s: %s" % (address[0], error), flush=True)
        conn.close()
