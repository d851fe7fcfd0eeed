"""Building blocks of the performance comparison (compare.py) and its smoke test.

Three servers answer the same stage-3 exchange on 127.0.0.1 with a port the system picks:

* ``chat-server``, the reference server, with its history in SQLite;
* ``limit-server`` (bench/limit/limit_server.cc), the machine's ceiling for the read exchange;
* the course's Python stage-3 server, ``tests/bench/stage3_server_closing.py`` (the course's
  program plus the one change the issue allows, closing each connection), run through
  ``tests/interop/run_seed.py`` so that it binds where we ask and imports kit/python/socketfuncs.

Each is started with the same history (one text file of posts: imported into SQLite, pickled
for Python, read as is by the limit server) and driven by ``chat-load``. Standard library only.
"""

import json
import os
import pickle
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.normpath(os.path.join(HERE, "..", ".."))
RUN_SEED = os.path.join(SOURCE_DIR, "tests", "interop", "run_seed.py")
PYTHON_SERVER = os.path.join(HERE, "stage3_server_closing.py")

_LISTENING = re.compile(r"listening on (?:127\.0\.0\.1|\[::1\]):(\d+)")
START_TIMEOUT_SECONDS = 120  # A million posts must load well within this.


class BenchError(RuntimeError):
    """A step of the comparison failed; the message says which and shows the program's output."""


def post_text(index, size=48):
    """A stage-3 post of exactly `size` bytes, shaped like the ones chat-server stores."""
    head = "[2026-11-24T09:%02d:%02d.%06d+01:00 10.0.0.7] " % (
        index // 60 % 60, index % 60, index % 1000000)
    body = ("m%d " % index) + "x" * size
    text = (head + body)[:size]
    assert len(text.encode("utf-8")) == size, text
    return text


def write_history(path, count, size=48):
    """Writes `count` posts of `size` bytes, one per line (the --import format)."""
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for index in range(count):
            out.write(post_text(index, size))
            out.write("\n")


def read_history_lines(path):
    with open(path, encoding="utf-8") as lines:
        return [line.rstrip("\n") for line in lines if line.rstrip("\n")]


class Binaries:
    """Where the built programs are: <build>/server/chat-server and <build>/bench/*."""

    def __init__(self, build_dir):
        self.build_dir = os.path.abspath(build_dir)

        def path(variable, *parts):
            # ctest passes each program's exact path (CMake knows where it put them).
            return os.environ.get(variable) or os.path.join(self.build_dir, *parts)

        self.server = path("CHATKIT_SERVER", "server", "chat-server")
        self.load = path("CHATKIT_LOAD", "bench", "chat-load")
        self.limit = path("CHATKIT_LIMIT", "bench", "limit-server")
        self.codec_bench = path("CHATKIT_CODEC_BENCH", "bench", "codec-bench")
        self.store_bench = path("CHATKIT_STORE_BENCH", "bench", "store-bench")

    def check(self, *paths):
        missing = [path for path in paths if not os.access(path, os.X_OK)]
        if missing:
            raise BenchError("not built: %s (run tests/bench/run.sh, which builds them)"
                             % ", ".join(missing))


def process_cpu_seconds(pid):
    """User + system CPU time of a process so far (Linux /proc), or None elsewhere."""
    try:
        with open("/proc/%d/stat" % pid) as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks
    except (OSError, ValueError, IndexError):
        return None


def process_rss_bytes(pid):
    """Resident memory of a process (Linux /proc), or None elsewhere."""
    try:
        with open("/proc/%d/status" % pid) as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return None


class Server:
    """A server process: started in `work_dir`, stdout and stderr to files there."""

    def __init__(self, name, command, work_dir, env=None):
        self.name = name
        self.command = command
        self.work_dir = work_dir
        self.stdout_path = os.path.join(work_dir, name + ".stdout")
        self.stderr_path = os.path.join(work_dir, name + ".stderr")
        self.port = None
        self.started_at = time.monotonic()
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(command, cwd=work_dir, stdin=subprocess.DEVNULL,
                                            stdout=out, stderr=err,
                                            env=dict(os.environ, **(env or {})))
        self.pid = self.process.pid

    def wait_listening(self, timeout=START_TIMEOUT_SECONDS):
        """Waits for the first line `listening on ADDR:PORT`; returns the port."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.stdout_path, "rb") as out:
                first = out.readline().decode("utf-8", "replace")
            if first.endswith("\n"):
                match = _LISTENING.match(first)
                if not match:
                    raise BenchError("%s: unexpected first line %r\n%s"
                                     % (self.name, first, self.describe()))
                self.port = int(match.group(1))
                return self.port
            if self.process.poll() is not None:
                raise BenchError("%s exited before listening\n%s" % (self.name, self.describe()))
            time.sleep(0.005)
        raise BenchError("%s did not listen within %d s\n%s" % (self.name, timeout, self.describe()))

    def cpu_seconds(self):
        return process_cpu_seconds(self.pid)

    def rss_bytes(self):
        return process_rss_bytes(self.pid)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def tail(self, path, lines=15):
        try:
            with open(path, "rb") as text:
                return b"".join(text.readlines()[-lines:]).decode("utf-8", "replace")
        except OSError:
            return ""

    def describe(self):
        return "  command: %s\n  stdout (last lines):\n%s  stderr:\n%s" % (
            " ".join(self.command), self.tail(self.stdout_path), self.tail(self.stderr_path))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start_chat_server(binaries, work_dir, history_lines_path=None, extra=(), db_name="history.db"):
    """chat-server stage 3 on a fresh history file, filled with --import when a file is given."""
    db = os.path.join(work_dir, db_name)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    if history_lines_path:
        result = subprocess.run([binaries.server, "--data", db, "--import", history_lines_path],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
        if result.returncode != 0:
            raise BenchError("chat-server --import failed: %s" % result.stderr.decode())
    server = Server("chat-server", [binaries.server, "--bind", "127.0.0.1", "--port", "0",
                                    "--data", db, *extra], work_dir)
    server.wait_listening()
    return server


def start_limit_server(binaries, work_dir, history_lines_path):
    server = Server("limit-server", [binaries.limit, "--history", history_lines_path], work_dir)
    server.wait_listening()
    return server


def start_python_server(work_dir, history_lines_path=None):
    """The course's stage-3 server (closing variant), with its pickle file made from the lines.

    Its output goes to a file, block-buffered (no ``python3 -u``): the course's server prints a
    line for every post it sends, and a write per line would make it look slower than it is.
    """
    posts = read_history_lines(history_lines_path) if history_lines_path else []
    with open(os.path.join(work_dir, "posts.pkl"), "wb") as out:
        pickle.dump(posts, out)
    server = Server("python-server", [sys.executable, "-B", RUN_SEED, "--host",
                                      "127.0.0.1", "--port", "0", PYTHON_SERVER], work_dir,
                    env={"PYTHONDONTWRITEBYTECODE": "1"})
    server.wait_listening()
    # run_seed.py prints "listening on" when the program binds, but the course's program loads
    # its pickle before it calls listen(): until then every connection is refused.
    try:
        read_exchange(server.port)
    except (OSError, BenchError) as error:
        server.stop()
        raise BenchError("the Python server did not answer: %s\n%s" % (error, server.describe()))
    return server


def read_exchange(port, timeout=START_TIMEOUT_SECONDS):
    """One whole read transaction (connect, the history, the empty message, the close), retrying
    the connection until the server listens. Returns every byte the server sent.

    A reader that left half-way would crash the course's server (it has no error handling), so
    this always completes the exchange."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn = socket.create_connection(("127.0.0.1", port), timeout=timeout)
            break
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)
    with conn:
        whole = b""
        received = b""
        count = None
        at = 0
        items = 0
        while count is None or items < count:
            chunk = conn.recv(1 << 16)
            if not chunk:
                raise BenchError("the server closed after %d bytes of the history" % len(received))
            whole += chunk
            received += chunk
            while len(received) - at >= 4:
                (length,) = struct.unpack_from("!I", received, at)
                if len(received) - at - 4 < length:
                    break
                if count is None:
                    count = int(received[at + 4:at + 4 + length])
                else:
                    items += 1
                at += 4 + length
            received, at = received[at:], 0
        conn.sendall(b"\x00\x00\x00\x00")
        while True:
            chunk = conn.recv(1 << 16)
            if not chunk:
                return whole
            whole += chunk


def run_load(binaries, port, mode="read", clients=8, duration=5.0, warmup=1.0, stage=3,
             hold=0, message_bytes=None, timeout=10.0, threads=1, server=None):
    """Runs chat-load and returns its JSON report, plus the server's CPU time per transaction
    (`server_cpu_us_per_tx`) when `server` is given and /proc can tell."""
    command = [binaries.load, "--port", str(port), "--mode", mode, "--clients", str(clients),
               "--duration", str(duration), "--warmup", str(warmup), "--stage", str(stage),
               "--timeout", str(timeout), "--threads", str(threads), "--json"]
    if hold:
        command += ["--hold", str(hold)]
    if message_bytes:
        command += ["--message-bytes", str(message_bytes)]
    cpu_before = server.cpu_seconds() if server else None
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            timeout=duration + warmup + timeout + 600)
    cpu_after = server.cpu_seconds() if server else None
    try:
        report = json.loads(result.stdout.decode())
    except ValueError:
        raise BenchError("chat-load printed no report (exit %d): %s %s"
                         % (result.returncode, result.stdout.decode(), result.stderr.decode()))
    report["exit_code"] = result.returncode
    if cpu_before is not None and cpu_after is not None and report["transactions"] > 0:
        # Over the whole run, warm-up included, divided by the counted transactions: an upper
        # bound, the same for every server.
        total = report["transactions"] * (duration + warmup) / duration
        report["server_cpu_us_per_tx"] = (cpu_after - cpu_before) * 1e6 / total
    return report


class WorkDir:
    """A temporary directory for one comparison, removed at the end unless asked to keep it."""

    def __init__(self, keep=False, parent=None):
        self.path = os.path.abspath(tempfile.mkdtemp(prefix="chatkit-bench-", dir=parent))
        self.keep = keep

    def file(self, name):
        return os.path.join(self.path, name)

    def subdir(self, name):
        path = os.path.join(self.path, name)
        os.makedirs(path, exist_ok=True)
        return path

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if not self.keep:
            shutil.rmtree(self.path, ignore_errors=True)
