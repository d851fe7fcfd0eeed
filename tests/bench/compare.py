"""The performance comparison of docs/performance.md, in one run.

    tests/bench/run.sh                    # installs, builds, runs this with its defaults
    python3 tests/bench/compare.py --build build [--quick] [--only read,replay] [--update-docs]

Every figure is measured in this one run against a peer and against the machine's own limit
for the same exchange, because on a small shared machine a figure alone says little:

  read      stage-3 read transactions/s, 1,000 posts of 48 B, 8 clients: the course's Python
            server, limit-server, chat-server (median of --rounds rounds for the last two)
  clients   the same for 1 to 64 clients, each server (the plot); limit-server and chat-server
            alternately at each point, median of --rounds
  replay    history replay of 100,000 posts to one client, MB/s, the same three servers
  commits   the store's durable commits with 1, 8 and 64 writers against raw syncs (store-bench)
  posts     end-to-end posts/s from an empty history: chat-server (8 and 64 clients) and the
            Python server (8 clients)
  idle      10,000 idle connections on chat-server: its RSS, and an active reader's p99 latency
            with and without them
  startup   start-up with 1,000,000 stored posts: chat-server against the Python server (pickle)
            and limit-server (text file), time from spawn to the first client's count frame
  codec     encode and decode against memcpy (codec-bench)

It prints a Markdown table of every figure with its ratios and target, writes results.json,
results.md and clients.svg to --out, and with --update-docs puts the table and the plot into
docs/performance.md and docs/performance-clients.svg.
"""

import argparse
import json
import os
import platform
import resource
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import benchlib  # noqa: E402
import plot  # noqa: E402

FIGURES = ["read", "clients", "replay", "commits", "posts", "idle", "startup", "codec"]
CLIENT_COUNTS = [1, 2, 4, 8, 16, 32, 64]
DOC = os.path.join(benchlib.SOURCE_DIR, "docs", "performance.md")
DOC_PLOT = os.path.join(benchlib.SOURCE_DIR, "docs", "performance-clients.svg")
BEGIN_MARK = "<!-- compare.py results: begin -->"
END_MARK = "<!-- compare.py results: end -->"


def log(text):
    print(text, flush=True)


def raise_open_file_limit():
    """Ten thousand idle connections need more descriptors than many systems give by default;
    children (chat-load, the servers) inherit the raised soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def machine_description():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo") as info:
            kib = int(info.readline().split()[1])
            memory = "%.0f GiB RAM" % (kib / 1024 / 1024)
    except (OSError, ValueError, IndexError):
        pass
    return "%s, %d cores, %s, %s %s, Python %s" % (
        model, os.cpu_count() or 0, memory, platform.system(), platform.release(),
        platform.python_version())


def load_average():
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


class Comparison:
    def __init__(self, args):
        self.args = args
        self.binaries = benchlib.Binaries(args.build)
        self.work = benchlib.WorkDir(keep=args.keep, parent=args.work_parent or args.build)
        self.results = {"machine": machine_description(), "started": time.strftime("%Y-%m-%d %H:%M"),
                        "load_average_start": load_average(), "duration": args.duration,
                        "rounds": args.rounds, "quick": args.quick, "figures": {}}
        self.histories = {}

    # --- helpers ---------------------------------------------------------------------------

    def history(self, count):
        if count not in self.histories:
            path = self.work.file("history-%d.txt" % count)
            benchlib.write_history(path, count)
            self.histories[count] = path
        return self.histories[count]

    def start(self, which, history_path, extra=()):
        directory = self.work.subdir(which)
        if which == "chat-server":
            return benchlib.start_chat_server(self.binaries, directory, history_path, extra)
        if which == "limit-server":
            return benchlib.start_limit_server(self.binaries, directory, history_path)
        return benchlib.start_python_server(directory, history_path)

    def load(self, server, **kwargs):
        kwargs.setdefault("duration", self.args.duration)
        kwargs.setdefault("warmup", self.args.warmup)
        # One event loop per core: a single-threaded load tool would be the bottleneck for every
        # server alike (its side of a TCP exchange costs the kernel as much as the server's), and
        # the ratios would say nothing.
        kwargs.setdefault("threads", max(1, min(os.cpu_count() or 1, kwargs.get("clients", 8))))
        if server.name == "python-server":
            # One connection at a time behind an accept queue of 10: with many clients, some
            # wait seconds for their turn. A client that gave up would reset its connection,
            # and the course's server, which handles no error, would die of it.
            kwargs.setdefault("timeout", 120)
        report = benchlib.run_load(self.binaries, server.port, server=server, **kwargs)
        if report["errors"] or report["exit_code"] != 0:
            log("    note: %s reported %d errors: %s" % (server.name, report["errors"],
                                                         json.dumps(report["error_kinds"])))
        return report

    def rounds(self, history_path, **load_args):
        """limit-server and chat-server measured alternately, --rounds times; the median run of
        each (by transactions/s) is kept, with every round's figure."""
        runs = {"limit-server": [], "chat-server": []}
        with self.start("limit-server", history_path) as limit, \
                self.start("chat-server", history_path) as ours:
            for _ in range(self.args.rounds):
                runs["limit-server"].append(self.load(limit, **load_args))
                runs["chat-server"].append(self.load(ours, **load_args))
        medians = {}
        for name, reports in runs.items():
            ordered = sorted(reports, key=lambda r: r["transactions_per_second"])
            medians[name] = dict(ordered[len(ordered) // 2])
            medians[name]["rounds"] = [r["transactions_per_second"] for r in reports]
        return medians

    # --- figures ---------------------------------------------------------------------------

    def figure_read(self):
        history = self.history(1000)
        runs = self.rounds(history, mode="read", clients=8)
        with self.start("python-server", history) as python:
            runs["python-server"] = self.load(python, mode="read", clients=8)
        return {"runs": runs, "metric": "transactions_per_second"}

    def figure_clients(self):
        history = self.history(1000)
        series = {name: [] for name in ("python-server", "limit-server", "chat-server")}

        def point(which, clients):
            # A fresh server for each measurement: what one did cannot weigh on the next.
            with self.start(which, history) as server:
                return self.load(server, mode="read", clients=clients,
                                 duration=self.args.scaling_duration, warmup=0.5)

        for clients in CLIENT_COUNTS:
            # limit-server and chat-server alternately, --rounds times, at each point, so that
            # both are measured in the same minute of the machine's life; the median is kept.
            runs = {"limit-server": [], "chat-server": []}
            for _ in range(self.args.rounds):
                for which in runs:
                    runs[which].append(point(which, clients))
            runs["python-server"] = [point("python-server", clients)]
            for which, reports in runs.items():
                ordered = sorted(reports, key=lambda r: r["transactions_per_second"])
                report = ordered[len(ordered) // 2]
                series[which].append({"clients": clients, "transactions_per_second":
                                      report["transactions_per_second"], "p99_ms": report["p99_ms"],
                                      "errors": report["errors"],
                                      "rounds": [r["transactions_per_second"] for r in reports]})
                log("    %-13s %3d clients: %9.1f/s (rounds: %s)" % (
                    which, clients, report["transactions_per_second"],
                    ", ".join("%.0f" % r["transactions_per_second"] for r in reports)))
        return {"series": series}

    def figure_replay(self):
        history = self.history(self.args.replay_posts)
        runs = self.rounds(history, mode="read", clients=1)
        with self.start("python-server", history) as python:
            runs["python-server"] = self.load(python, mode="read", clients=1,
                                              duration=max(self.args.duration, 5.0), timeout=120)
        return {"runs": runs, "metric": "history_mb_per_second"}

    def google_benchmark(self, program, *flags):
        """Runs a Google Benchmark binary of bench/micro; returns its summary and its output."""
        self.binaries.check(program)
        summary = self.work.file(os.path.basename(program) + ".json")
        command = [program, *flags, "--summary-json=" + summary]
        log("    " + " ".join(command))
        result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if result.returncode != 0:
            raise benchlib.BenchError("%s failed:\n%s" % (program, result.stdout.decode()))
        with open(summary) as text:
            return json.load(text), result.stdout.decode()

    def figure_commits(self):
        summary, output = self.google_benchmark(self.binaries.store_bench,
                                                "--store-dir=" + self.work.path)
        return {"store_bench": summary, "output": output}

    def figure_posts(self):
        runs = {}
        for clients in (8, 64):
            with self.start("chat-server", None) as ours:
                report = self.load(ours, mode="post", clients=clients, message_bytes=32)
                runs["chat-server/%d" % clients] = report
        # The course's server sends no acknowledgement: chat-load posts as to a stage-2 server
        # (send, then wait for the close), which is all that server promises.
        with self.start("python-server", None) as python:
            runs["python-server/8"] = self.load(python, mode="post", clients=8, stage=2,
                                                message_bytes=32)
        return {"runs": runs}

    def figure_idle(self):
        history = self.history(1000)
        extra = ("--idle-timeout", "3600", "--max-connections", str(self.args.idle + 100))
        with self.start("chat-server", history, extra) as ours:
            rss_idle = ours.rss_bytes()
            alone = self.load(ours, mode="read", clients=1)
            peak = {"rss": 0}
            done = threading.Event()

            def sample():
                while not done.wait(0.2):
                    peak["rss"] = max(peak["rss"], ours.rss_bytes() or 0)

            sampler = threading.Thread(target=sample)
            sampler.start()
            try:
                held = self.load(ours, mode="hold", hold=self.args.idle, clients=1, timeout=60)
            finally:
                done.set()
                sampler.join()
        return {"rss_before_bytes": rss_idle, "rss_peak_bytes": peak["rss"], "alone": alone,
                "held": held, "idle_connections": self.args.idle}

    def time_to_first_count(self, start):
        """Seconds from spawning a server (start()) until a client has its count frame."""
        began = time.monotonic()
        server = start()
        try:
            deadline = began + benchlib.START_TIMEOUT_SECONDS
            while time.monotonic() < deadline:
                if server.port is None:
                    time.sleep(0.005)
                    continue
                try:
                    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as conn:
                        header = b""
                        while len(header) < 4:
                            chunk = conn.recv(4 - len(header))
                            if not chunk:
                                break
                            header += chunk
                        if len(header) == 4:
                            (length,) = struct.unpack("!I", header)
                            body = b""
                            while len(body) < length:
                                chunk = conn.recv(length - len(body))
                                if not chunk:
                                    break
                                body += chunk
                            return time.monotonic() - began, body.decode()
                except OSError:
                    time.sleep(0.005)
            raise benchlib.BenchError("no count frame from %s\n%s" % (server.name, server.describe()))
        finally:
            server.stop()

    def figure_startup(self):
        count = self.args.startup_posts
        history = self.history(count)
        directory = self.work.subdir("startup")
        db = os.path.join(directory, "history.db")
        began = time.monotonic()
        result = subprocess.run([self.binaries.server, "--data", db, "--import", history],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        import_seconds = time.monotonic() - began
        if result.returncode != 0:
            raise benchlib.BenchError("--import failed: " + result.stderr.decode())
        pickle_dir = self.work.subdir("startup-python")
        posts = benchlib.read_history_lines(history)
        with open(os.path.join(pickle_dir, "posts.pkl"), "wb") as out:
            import pickle
            pickle.dump(posts, out)
        del posts

        def ours():
            server = benchlib.Server("chat-server", [self.binaries.server, "--bind", "127.0.0.1",
                                                     "--port", "0", "--data", db], directory)
            server.wait_listening()
            return server

        def limit():
            server = benchlib.Server("limit-server", [self.binaries.limit, "--history", history],
                                     directory)
            server.wait_listening()
            return server

        def python():
            server = benchlib.Server("python-server", [sys.executable, "-B",
                                                       benchlib.RUN_SEED, "--host", "127.0.0.1",
                                                       "--port", "0", benchlib.PYTHON_SERVER],
                                     pickle_dir)
            server.wait_listening()
            return server

        times = {}
        for name, start in (("chat-server", ours), ("limit-server", limit), ("python-server", python)):
            samples = []
            for _ in range(3):
                seconds, count_text = self.time_to_first_count(start)
                if count_text != str(count):
                    raise benchlib.BenchError("%s announced %r posts, not %d" % (name, count_text, count))
                samples.append(seconds)
            times[name] = {"seconds": statistics.median(samples), "samples": samples}
            log("    %-13s %.3f s (median of %s)" % (name, times[name]["seconds"],
                                                    ", ".join("%.3f" % s for s in samples)))
        return {"posts": count, "import_seconds": import_seconds, "times": times}

    def figure_codec(self):
        summary, output = self.google_benchmark(
            self.binaries.codec_bench, "--benchmark_repetitions=%d" % self.args.rounds,
            "--benchmark_report_aggregates_only=true")
        return {"codec_bench": summary, "output": output}

    # --- the run ---------------------------------------------------------------------------

    def run(self, figures):
        self.binaries.check(self.binaries.server, self.binaries.load, self.binaries.limit)
        self.results["open_file_limit"] = raise_open_file_limit()
        try:
            for figure in figures:
                log("== %s" % figure)
                began = time.monotonic()
                self.results["figures"][figure] = getattr(self, "figure_" + figure)()
                self.results["figures"][figure]["elapsed_seconds"] = time.monotonic() - began
        finally:
            self.work.__exit__()
        self.results["load_average_end"] = load_average()
        return self.results


# --- the table ---------------------------------------------------------------------------

def ratio(a, b):
    return a / b if a and b else 0.0


def fmt(value, unit=""):
    if value is None:
        return "–"
    if abs(value) >= 100:
        text = "{:,.0f}".format(value)
    elif abs(value) >= 10:
        text = "%.1f" % value
    else:
        text = "%.2f" % value
    return text + unit


def verdict(met):
    return "**met**" if met else "**missed**"


def table(results):
    """The figures as Markdown rows: figure | Python | limit | chat-server | ratios | target."""
    figures = results["figures"]
    rows = []
    header = ("| Figure | course's Python server | limit-server | chat-server | chat-server ÷ limit "
              "| chat-server ÷ Python | Target | |\n|---|---:|---:|---:|---:|---:|---|---|")
    if "read" in figures:
        runs = figures["read"]["runs"]
        py, lim, ours = (runs[n]["transactions_per_second"] for n in
                         ("python-server", "limit-server", "chat-server"))
        met = ratio(ours, lim) >= 0.8
        rows.append("| read transactions/s, 1,000 posts of 48 B, 8 clients | %s | %s | %s | %.0f%% | %.0f× "
                    "| ≥ 80%% of limit | %s |" % (fmt(py), fmt(lim), fmt(ours), 100 * ratio(ours, lim),
                                                  ratio(ours, py), verdict(met)))
        rows.append("| … p99 latency, ms | %s | %s | %s | | | | |" % tuple(
            fmt(runs[n]["p99_ms"]) for n in ("python-server", "limit-server", "chat-server")))
        cpu = [runs[n].get("server_cpu_us_per_tx") for n in
               ("python-server", "limit-server", "chat-server")]
        rows.append("| … server CPU per transaction, µs | %s | %s | %s | %s | | | |" % (
            fmt(cpu[0]), fmt(cpu[1]), fmt(cpu[2]),
            "%.1f×" % ratio(cpu[2], cpu[1]) if cpu[1] and cpu[2] else ""))
    if "replay" in figures:
        runs = figures["replay"]["runs"]
        py, lim, ours = (runs[n]["history_mb_per_second"] for n in
                         ("python-server", "limit-server", "chat-server"))
        met = ratio(ours, lim) >= 0.8
        rows.append("| history replay, %s posts to 1 client, MB/s | %s | %s | %s | %.0f%% | %.0f× "
                    "| ≥ 80%% of limit | %s |" % ("{:,}".format(int(runs["chat-server"]["items_per_transaction"])),
                                                  fmt(py), fmt(lim), fmt(ours), 100 * ratio(ours, lim),
                                                  ratio(ours, py), verdict(met)))
        cpu = [runs[n].get("server_cpu_us_per_tx") for n in
               ("python-server", "limit-server", "chat-server")]
        rows.append("| … server CPU per replay, ms | %s | %s | %s | %s | | | |" % (
            fmt(cpu[0] and cpu[0] / 1000), fmt(cpu[1] and cpu[1] / 1000), fmt(cpu[2] and cpu[2] / 1000),
            "%.2f×" % ratio(cpu[2], cpu[1]) if cpu[1] and cpu[2] else ""))
    if "commits" in figures:
        rates = figures["commits"]["store_bench"]["rates_per_second"]
        sync = rates.get("sync", 0)
        for writers in (1, 8, 64):
            value = rates.get("commits/%d" % writers, 0)
            target = "≥ 20,000/s" if writers == 64 else ""
            met = verdict(value >= 20000) if writers == 64 else ""
            rows.append("| durable posts/s, store, %d writer%s (limit: raw 4 KiB write + fdatasync, "
                        "%s/s) | | %s | %s | %s posts per sync | | %s | %s |"
                        % (writers, "s" if writers > 1 else "", fmt(sync), fmt(sync), fmt(value),
                           fmt(ratio(value, sync)), target, met))
    if "posts" in figures:
        runs = figures["posts"]["runs"]
        py = runs["python-server/8"]["transactions_per_second"]
        for clients in (8, 64):
            ours = runs["chat-server/%d" % clients]["transactions_per_second"]
            rows.append("| end-to-end posts/s from an empty history, %d clients | %s | | %s | | %s | "
                        "report | |" % (clients, fmt(py) if clients == 8 else "", fmt(ours),
                                        "%.0f×" % ratio(ours, py) if clients == 8 else ""))
    if "idle" in figures:
        idle = figures["idle"]
        rss = idle["rss_peak_bytes"] / 1e6
        p99_alone, p99_held = idle["alone"]["p99_ms"], idle["held"]["p99_ms"]
        held_ok = idle["held"]["held"] == idle["idle_connections"] and idle["held"]["held_lost"] == 0
        rows.append("| %s idle connections: chat-server peak RSS, MB (before: %s) | | | %s | | | < 200 MB "
                    "| %s |" % ("{:,}".format(idle["idle_connections"]),
                                fmt(idle["rss_before_bytes"] / 1e6), fmt(rss),
                                verdict(rss < 200 and held_ok)))
        rows.append("| … an active reader's p99, ms (alone: %s) | | | %s | | | < 10 ms | %s |"
                    % (fmt(p99_alone), fmt(p99_held), verdict(p99_held < 10 and held_ok)))
    if "startup" in figures:
        startup = figures["startup"]
        times = startup["times"]
        py, lim, ours = (times[n]["seconds"] for n in ("python-server", "limit-server", "chat-server"))
        rows.append("| start-up with %s stored posts, s (to the first count frame) | %s | %s | %s | "
                    "%.1f× the time | %.1f× the time | < 2 s | %s |"
                    % ("{:,}".format(startup["posts"]), fmt(py), fmt(lim), fmt(ours),
                       ratio(ours, lim), ratio(ours, py), verdict(ours < 2)))
        rows.append("| … `--import` of those posts, s | | | %s | | | | |" % fmt(startup["import_seconds"]))
    if "codec" in figures:
        for target in figures["codec"]["codec_bench"]["targets"]:
            rates = figures["codec"]["codec_bench"]["rates_bytes_per_second"]
            memcpy = rates.get("memcpy" + target["name"][target["name"].index("/"):], 0)
            value = rates.get(target["name"], 0)
            shown = ("%.0f%% of memcpy" % (100 * target["value"]) if target["unit"] == "x memcpy"
                     else "%.2f GB/s" % target["value"])
            wanted = ("≥ %.0f%% of memcpy" % (100 * target["at_least"]) if target["unit"] == "x memcpy"
                      else "≥ %.1f GB/s" % target["at_least"])
            rows.append("| codec: %s (memcpy %.1f GB/s, %s %.2f GB/s) | | %.1f GB/s | %.2f GB/s | %s | | %s | %s |"
                        % (target["what"].replace(", of memcpy", ""), memcpy / 1e9,
                           target["name"].split("/")[0], value / 1e9, memcpy / 1e9, value / 1e9,
                           shown, wanted, verdict(target["met"])))
    return header + "\n" + "\n".join(rows) + "\n"


def report_text(results):
    lines = ["Machine: %s." % results["machine"],
             "Run: %s, %s s per measurement (median of %d rounds for limit-server and chat-server),"
             " load average %s at the start and %s at the end." % (
                 results["started"], results["duration"], results["rounds"],
                 fmt(results["load_average_start"]), fmt(results.get("load_average_end"))),
             "", table(results)]
    if results.get("quick"):
        # One short round of small sizes moves by far more than the +-10 % of a full run.
        lines.insert(2, "Quick run (--quick): one short round with small sizes, to check that "
                        "everything works. The verdicts are indicative only: the targets are "
                        "judged by a full run.")
    if "clients" in results["figures"]:
        lines.append("Read transactions/s by concurrent clients (plot: performance-clients.svg):\n")
        series = results["figures"]["clients"]["series"]
        lines.append("| clients | " + " | ".join(str(c) for c in CLIENT_COUNTS) + " |")
        lines.append("|---|" + "---:|" * len(CLIENT_COUNTS))
        for name in ("python-server", "limit-server", "chat-server"):
            lines.append("| %s | " % name + " | ".join(fmt(p["transactions_per_second"])
                                                       for p in series[name]) + " |")
        lines.append("")
    return "\n".join(lines)


def update_docs(text, svg_path):
    with open(DOC, encoding="utf-8") as doc:
        content = doc.read()
    begin, end = content.find(BEGIN_MARK), content.find(END_MARK)
    if begin < 0 or end < begin:
        raise benchlib.BenchError("%s has no %s ... %s markers" % (DOC, BEGIN_MARK, END_MARK))
    content = content[:begin + len(BEGIN_MARK)] + "\n" + text + "\n" + content[end:]
    with open(DOC, "w", encoding="utf-8") as doc:
        doc.write(content)
    if svg_path:
        with open(svg_path, encoding="utf-8") as source, open(DOC_PLOT, "w", encoding="utf-8") as out:
            out.write(source.read())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(benchlib.SOURCE_DIR, "build"),
                        help="the build directory with server/chat-server and bench/*")
    parser.add_argument("--out", help="where results.json, results.md and clients.svg go "
                        "(default: <build>/bench-results)")
    parser.add_argument("--only", help="comma-separated figures: " + ",".join(FIGURES))
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of load before each")
    parser.add_argument("--scaling-duration", type=float, default=3.0,
                        help="seconds per point of the clients figure")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds for limit-server and chat-server (median kept)")
    parser.add_argument("--idle", type=int, default=10000, help="idle connections to hold")
    parser.add_argument("--replay-posts", type=int, default=100000)
    parser.add_argument("--startup-posts", type=int, default=1000000)
    parser.add_argument("--quick", action="store_true",
                        help="short runs and small sizes, to check that everything works")
    parser.add_argument("--update-docs", action="store_true",
                        help="write the table into docs/performance.md and the plot next to it")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--work-parent", help="where the temporary directory goes; the store's "
                        "figures are those of this disk (default: the build directory, not /tmp, "
                        "which may be a RAM disk where a sync costs nothing)")
    args = parser.parse_args()
    if args.quick and args.update_docs:
        parser.error("--update-docs writes the figures of a full run only; leave out --quick")
    if args.quick:
        args.duration, args.warmup, args.scaling_duration, args.rounds = 1.0, 0.3, 0.5, 1
        args.idle, args.replay_posts, args.startup_posts = 500, 10000, 50000
    figures = args.only.split(",") if args.only else FIGURES
    for figure in figures:
        if figure not in FIGURES:
            parser.error("unknown figure %r (known: %s)" % (figure, ", ".join(FIGURES)))
    out = args.out or os.path.join(args.build, "bench-results")
    os.makedirs(out, exist_ok=True)

    try:
        results = Comparison(args).run(figures)
    except benchlib.BenchError as error:
        print("compare.py: %s" % error, file=sys.stderr)
        return 1
    text = report_text(results)
    print()
    print(text)
    with open(os.path.join(out, "results.json"), "w") as out_json:
        json.dump(results, out_json, indent=1)
    with open(os.path.join(out, "results.md"), "w", encoding="utf-8") as out_md:
        out_md.write(text)
    svg_path = None
    if "clients" in results["figures"]:
        svg_path = os.path.join(out, "clients.svg")
        plot.write_svg(results["figures"]["clients"]["series"], svg_path,
                       subtitle=results["machine"])
    print("written: %s/results.json, results.md%s" % (out, ", clients.svg" if svg_path else ""))
    if args.update_docs:
        update_docs(text, svg_path)
        print("updated: %s%s" % (DOC, " and " + DOC_PLOT if svg_path else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
