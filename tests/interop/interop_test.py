"""Interop tests: the course's Python programs (tests/seed/) against chat-server and chat-client.

For each stage, in both directions:
  * the seed client talks to our server, and a second client checks what the server stored;
  * our client talks to the seed server (run unchanged through run_seed.py), and the seed
    server's output and a seed client check what arrived.

The binaries come from the environment (CMake sets both for ctest):
  CHATKIT_SERVER=build/server/chat-server CHATKIT_CLIENT=build/client/chat-client \\
      python3 tests/interop/interop_test.py [Stage1Interop|Stage2Interop|Stage3Interop]

Everything runs on 127.0.0.1 with port 0, in a fresh temporary directory per test; every
process has a timeout and servers are stopped when the test ends. A failure shows every command
that ran and everything each program printed.
"""

import os
import re
import shlex
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

_HERE = os.path.dirname(os.path.abspath(__file__))
_SEED_DIR = os.path.normpath(os.path.join(_HERE, "..", "seed"))
_RUN_SEED = os.path.join(_HERE, "run_seed.py")
sys.path.insert(0, os.path.normpath(os.path.join(_HERE, "..", "..", "kit", "python")))

import socketfuncs  # noqa: E402  (needs the sys.path entry above)

_HOST = "127.0.0.1"
# Upper bounds so that a hang fails the test instead of blocking ctest; never speed checks.
_STARTUP_TIMEOUT_SECONDS = 10
_CLIENT_TIMEOUT_SECONDS = 20
_OUTPUT_TIMEOUT_SECONDS = 10
_STOP_TIMEOUT_SECONDS = 5

_MULTIBYTE = "héllo wörld ✓ 🎉"
_LISTENING = re.compile(r"listening on (?:127\.0\.0\.1|\[::1\]):(\d+)")
# A stage-3 post as our server stores it: [<ISO 8601 local time, microseconds, offset> <host>].
_POST_PREFIX = r"\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d \S+\] "

# The seed programs are run with a UTF-8 stdin/stdout whatever the machine's locale.
_ENV = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONDONTWRITEBYTECODE="1")


def _binary(variable):
    path = os.environ.get(variable)
    if not path:
        raise unittest.SkipTest(
            "%s is not set: run through ctest, or set it to the binary's path" % variable
        )
    return path


def _seed(program):
    return os.path.join(_SEED_DIR, program)


def _decode(data):
    # Text-mode output ends lines with "\r\n" on Windows: compare it as "\n".
    return data.decode("utf-8", errors="backslashreplace").replace("\r\n", "\n")


class _ServerProcess:
    """A server running in the background; threads collect its stdout and stderr as it runs."""

    def __init__(self, name, command, cwd):
        self.name = name
        self.command = command
        self.stdout_lines = []
        self.stderr_lines = []
        self.exit_code = None
        self.stdout_closed = False
        self._changed = threading.Condition()
        self._process = subprocess.Popen(
            command, cwd=cwd, env=_ENV, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        self._readers = [
            threading.Thread(target=self._collect, args=(self._process.stdout, self.stdout_lines)),
            threading.Thread(target=self._collect, args=(self._process.stderr, self.stderr_lines)),
        ]
        for reader in self._readers:
            reader.daemon = True
            reader.start()

    def _collect(self, pipe, lines):
        for raw_line in iter(pipe.readline, b""):
            with self._changed:
                lines.append(_decode(raw_line).rstrip("\r\n"))
                self._changed.notify_all()
        pipe.close()
        if lines is self.stdout_lines:
            with self._changed:
                self.stdout_closed = True  # The server exited: stop waiting for its output.
                self._changed.notify_all()

    def wait_for_stdout(self, predicate, timeout=_OUTPUT_TIMEOUT_SECONDS):
        """Waits until predicate(stdout lines) is true; returns whether it became true."""
        with self._changed:
            self._changed.wait_for(
                lambda: predicate(self.stdout_lines) or self.stdout_closed, timeout
            )
            return predicate(self.stdout_lines)

    def port(self):
        """The port from the first stdout line `listening on ADDR:PORT`, or None."""
        self.wait_for_stdout(lambda lines: len(lines) >= 1, _STARTUP_TIMEOUT_SECONDS)
        with self._changed:
            first = self.stdout_lines[0] if self.stdout_lines else ""
        match = _LISTENING.fullmatch(first)
        return int(match.group(1)) if match else None

    def stop(self):
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(_STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        for reader in self._readers:
            reader.join(_STOP_TIMEOUT_SECONDS)
        self.exit_code = self._process.returncode

    def describe(self):
        with self._changed:
            return "%s (server): %s\n  exit code: %s\n  stdout:\n%s\n  stderr:\n%s" % (
                self.name, shlex.join(self.command),
                "still running" if self.exit_code is None else self.exit_code,
                _indent(self.stdout_lines), _indent(self.stderr_lines),
            )


def _indent(lines):
    return "\n".join("    | " + line for line in lines) if lines else "    (nothing)"


class InteropTestCase(unittest.TestCase):
    """Starts programs in a fresh temporary directory and records them for failure messages."""

    def setUp(self):
        self.directory = tempfile.TemporaryDirectory(prefix="chatkit-interop-")
        self.addCleanup(self.directory.cleanup)
        previous_directory = os.getcwd()
        os.chdir(self.directory.name)
        self.addCleanup(os.chdir, previous_directory)
        self.servers = []
        self.runs = []  # Descriptions of finished client runs, in order.

    # --- starting programs -----------------------------------------------------------------

    def start_our_server(self, stage, *extra):
        command = [_binary("CHATKIT_SERVER"), "--stage", str(stage),
                   "--bind", _HOST, "--port", "0", *extra]
        return self._start_server("chat-server", command)

    def start_seed_server(self, program):
        command = [sys.executable, "-u", _RUN_SEED, "--host", _HOST, "--port", "0",
                   _seed(program)]
        return self._start_server("seed " + program, command)

    def _start_server(self, name, command):
        server = _ServerProcess(name, command, self.directory.name)
        self.servers.append(server)
        # Cleanups run last-in first-out: servers stop before the directory is removed.
        self.addCleanup(server.stop)
        port = server.port()
        if port is None:
            server.stop()
            self.fail_with_transcript(
                "%s did not print 'listening on %s:PORT' as its first line" % (name, _HOST)
            )
        return server, port

    def run_our_client(self, stage, port, *extra):
        command = [_binary("CHATKIT_CLIENT"), "--stage", str(stage),
                   "--host", _HOST, "--port", str(port), *extra]
        return self._run("chat-client", command, stdin_text="")

    def run_seed_client(self, program, port, stdin_text):
        command = [sys.executable, "-u", _RUN_SEED, "--host", _HOST, "--port", str(port),
                   _seed(program)]
        return self._run("seed " + program, command, stdin_text)

    def _run(self, name, command, stdin_text):
        try:
            result = subprocess.run(
                command, cwd=self.directory.name, env=_ENV, input=stdin_text.encode("utf-8"),
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=_CLIENT_TIMEOUT_SECONDS,
            )
            exit_code, stdout, stderr = result.returncode, result.stdout, result.stderr
        except subprocess.TimeoutExpired as expired:
            exit_code = "killed after %d s" % _CLIENT_TIMEOUT_SECONDS
            stdout, stderr = expired.stdout or b"", expired.stderr or b""
        run = {"exit_code": exit_code, "stdout": _decode(stdout), "stderr": _decode(stderr)}
        self.runs.append(
            "%s (client): %s\n  stdin: %r\n  exit code: %s\n  stdout:\n%s\n  stderr:\n%s" % (
                name, shlex.join(command), stdin_text, exit_code,
                _indent(run["stdout"].splitlines()), _indent(run["stderr"].splitlines()),
            )
        )
        return run

    # --- assertions that explain themselves ---------------------------------------------------

    def transcript(self):
        parts = [server.describe() for server in self.servers] + self.runs
        return "\nPrograms run in this test (in %s):\n\n%s" % (
            self.directory.name, "\n\n".join(parts)
        )

    def fail_with_transcript(self, reason):
        # Stop the servers first so that the transcript holds all they printed and their exit.
        for server in self.servers:
            server.stop()
        self.fail("%s\n%s" % (reason, self.transcript()))

    def expect_exit_code(self, run, expected, who):
        if run["exit_code"] != expected:
            self.fail_with_transcript(
                "%s: expected exit code %s, got %s" % (who, expected, run["exit_code"])
            )

    def expect_server_line(self, server, pattern, what):
        """Waits until a line of the server's stdout matches the regex `pattern`."""
        regex = re.compile(pattern)
        if not server.wait_for_stdout(lambda lines: any(map(regex.search, lines))):
            self.fail_with_transcript(
                "expected %s's output to show %s (a line matching %r); it did not"
                % (server.name, what, pattern)
            )

    def expect_stdout(self, run, expected, who):
        if run["stdout"] != expected:
            self.fail_with_transcript(
                "%s printed the wrong output:\n  expected: %r\n  got:      %r"
                % (who, expected, run["stdout"])
            )


class Stage1Interop(InteropTestCase):
    """Stage 1: the client sends one message and closes; the server keeps it in memory."""

    def test_seed_client_message_reaches_our_server(self):
        server, port = self.start_our_server(1)
        run = self.run_seed_client("stage1_client.py", port, stdin_text="")
        self.expect_exit_code(run, 0, "seed stage1_client.py")
        self.expect_server_line(server, re.escape("Test message"), "the message 'Test message'")

    def test_socketfuncs_multibyte_message_reaches_our_server(self):
        # The stage-1 seed client always sends "Test message": UTF-8 goes through socketfuncs,
        # exactly as the course's client would send it.
        server, port = self.start_our_server(1)
        with socket.create_connection((_HOST, port), timeout=_CLIENT_TIMEOUT_SECONDS) as sock:
            socketfuncs.send_message(sock, _MULTIBYTE)
        self.runs.append("socketfuncs.send_message(%r) to %s:%d" % (_MULTIBYTE, _HOST, port))
        self.expect_server_line(server, re.escape(_MULTIBYTE), "the message %r" % _MULTIBYTE)

    def test_our_client_message_reaches_seed_server(self):
        server, port = self.start_seed_server("stage1_server.py")
        for message in ["Hello from chatkit", _MULTIBYTE]:
            run = self.run_our_client(1, port, "--message", message)
            self.expect_exit_code(run, 0, "chat-client --stage 1")
            self.expect_server_line(
                server, "^ >> " + re.escape(message) + "$", "' >> %s'" % message
            )


class Stage2Interop(InteropTestCase):
    """Stage 2: the server sends the history first; `history` asks for it again."""

    def test_seed_client_message_is_in_our_servers_history(self):
        server, port = self.start_our_server(2)
        for message in ["first", _MULTIBYTE]:
            run = self.run_seed_client("stage2_client.py", port, stdin_text=message + "\n")
            self.expect_exit_code(run, 0, "seed stage2_client.py sending %r" % message)

        # Another seed client sends `history`: it prints the history on connecting and again
        # after asking. Twice, to show that the server did not store `history` as a message.
        history = "History:\nfirst\n%s\n" % _MULTIBYTE
        for _ in range(2):
            run = self.run_seed_client("stage2_client.py", port, stdin_text="history\n")
            self.expect_exit_code(run, 0, "seed stage2_client.py sending 'history'")
            self.expect_stdout(run, history + "Message: " + history, "seed stage2_client.py")

        run = self.run_our_client(2, port, "--message", "history")
        self.expect_exit_code(run, 0, "chat-client --stage 2 --message history")
        self.expect_stdout(run, history + history, "chat-client --stage 2 --message history")

    def test_our_client_message_reaches_seed_server(self):
        server, port = self.start_seed_server("stage2_server.py")
        for message in ["Hello from chatkit", _MULTIBYTE]:
            run = self.run_our_client(2, port, "--message", message)
            self.expect_exit_code(run, 0, "chat-client --stage 2 --message %r" % message)
            self.expect_server_line(
                server, "^New Message: " + re.escape(message) + "$",
                "'New Message: %s'" % message,
            )

        history = "History:\nHello from chatkit\n%s\n" % _MULTIBYTE
        run = self.run_our_client(2, port, "--message", "history")
        self.expect_exit_code(run, 0, "chat-client --stage 2 --message history")
        self.expect_stdout(run, history + history, "chat-client --stage 2 --message history")

        # And the course's own client sees what ours sent.
        run = self.run_seed_client("stage2_client.py", port, stdin_text="history\n")
        self.expect_exit_code(run, 0, "seed stage2_client.py sending 'history'")
        self.expect_stdout(run, history + "Message: " + history, "seed stage2_client.py")


class Stage3Interop(InteropTestCase):
    """Stage 3: posts are stored with time and host, persisted and (by us) acknowledged."""

    def read_posts_with_seed_client(self, port, until):
        """Runs the seed client with an empty post (never stored) and returns its post lines.

        The server stores a post after the seed client has already closed, so this retries
        until `until(lines)` holds or the output timeout passes.
        """
        deadline = time.monotonic() + _OUTPUT_TIMEOUT_SECONDS
        while True:
            run = self.run_seed_client("stage3_client.py", port, stdin_text="\n")
            self.expect_exit_code(run, 0, "seed stage3_client.py reading the posts")
            # The prompt "Add your post: " ends the output, without a newline.
            lines = run["stdout"].splitlines()
            if lines and lines[-1] == "Add your post: ":
                lines.pop()
            if until(lines) or time.monotonic() > deadline:
                return lines
            time.sleep(0.2)

    def test_seed_client_post_is_stored_by_our_server(self):
        data = os.path.join(self.directory.name, "h.db")
        server, port = self.start_our_server(3, "--data", data)
        run = self.run_seed_client("stage3_client.py", port, stdin_text=_MULTIBYTE + "\n")
        self.expect_exit_code(run, 0, "seed stage3_client.py posting %r" % _MULTIBYTE)

        post = re.compile(_POST_PREFIX + re.escape(_MULTIBYTE))
        lines = self.read_posts_with_seed_client(port, lambda lines: len(lines) >= 1)
        if len(lines) != 1 or not post.fullmatch(lines[0]):
            self.fail_with_transcript(
                "expected the second seed client to print exactly one post matching %r; got %r"
                % (post.pattern, lines)
            )

        # The post is durable: a new server on the same file still has it.
        server.stop()
        server, port = self.start_our_server(3, "--data", data)
        restarted = self.read_posts_with_seed_client(port, lambda lines: len(lines) >= 1)
        if restarted != lines:
            self.fail_with_transcript(
                "expected the restarted server to send the stored post %r; got %r"
                % (lines, restarted)
            )

    def test_our_client_post_to_seed_server_is_sent_but_not_acknowledged(self):
        # The course's stage-3 server stores the post but never acknowledges it.
        server, port = self.start_seed_server("stage3_server.py")
        run = self.run_our_client(3, port, "--message", _MULTIBYTE, "--ack-timeout", "1")
        self.expect_exit_code(run, 3, "chat-client --stage 3 against a server that never acks")
        if not re.search(r"\bsent\b.*\bnot\b.*\backnowledged\b", run["stderr"], re.IGNORECASE):
            self.fail_with_transcript(
                "expected chat-client's stderr to say the post was sent but not acknowledged;"
                " got %r" % run["stderr"]
            )
        self.expect_server_line(
            server, "^Adding post: " + re.escape(_MULTIBYTE) + "$", "'Adding post: %s'" % _MULTIBYTE
        )

        # The seed server's posts have no UTC offset: "[2026-11-24T09:15:02.123456 localhost] ".
        post = re.compile(r"\[\d{4}-\d\d-\d\dT[\d:.]+ \S+\] " + re.escape(_MULTIBYTE))
        lines = self.read_posts_with_seed_client(port, lambda lines: len(lines) >= 1)
        if len(lines) != 1 or not post.fullmatch(lines[0]):
            self.fail_with_transcript(
                "expected a seed client to print exactly one post matching %r; got %r"
                % (post.pattern, lines)
            )


if __name__ == "__main__":
    unittest.main()
