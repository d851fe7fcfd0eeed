"""Run one of the course's Python programs with its host and port replaced.

The course's programs (tests/seed/) hard-code where they bind or connect, for example
``s.bind(("0.0.0.0", 10000))`` or ``s.connect(("18.234.145.155", 10333))``. The tests run them
unchanged, so this launcher changes the address from the outside instead:

    python3 -u run_seed.py --host 127.0.0.1 --port 0 tests/seed/stage3_server.py

1. It puts kit/python on sys.path, so that the program's ``import socketfuncs`` finds ours.
2. It replaces ``socket.socket`` with a subclass whose ``bind()`` and ``connect()`` ignore the
   address they are given and use --host and --port instead. After binding it prints
   ``listening on HOST:PORT`` with the real port (port 0 lets the system pick a free one), so a
   test can read which port to connect to from the first line the server prints.
3. It runs the program as ``__main__``, as ``python3 program.py`` would.

Standard library only, like the programs it runs.
"""

import argparse
import os
import runpy
import socket
import sys

_KIT_PYTHON = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "kit", "python")


def _format_address(sockname):
    host, port = sockname[0], sockname[1]
    return "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)


def _make_socket_class(host, port):
    original = socket.socket

    class RedirectedSocket(original):
        """A socket.socket that binds and connects to (host, port) whatever it is asked.

        socket.py itself creates the sockets that accept() returns, as instances of the
        module-level ``socket`` class, which is now this one: so __init__ is inherited
        unchanged and every argument (including ``fileno``) passes through.
        """

        def bind(self, _address):
            super().bind((host, port))
            print("listening on %s" % _format_address(self.getsockname()), flush=True)

        def connect(self, _address):
            super().connect((host, port))

    return RedirectedSocket


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True, help="address to bind or connect to instead")
    parser.add_argument("--port", required=True, type=int, help="port to use instead (0 = any)")
    parser.add_argument("program", help="the Python program to run, unchanged")
    args = parser.parse_args()

    sys.path.insert(0, os.path.normpath(_KIT_PYTHON))
    socket.socket = _make_socket_class(args.host, args.port)
    # The program sees its own name as argv[0], as if it had been started directly.
    sys.argv = [args.program]
    runpy.run_path(args.program, run_name="__main__")


if __name__ == "__main__":
    main()
