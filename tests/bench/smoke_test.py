"""Smoke tests of the performance tools: they run, they agree, they report no errors.

Not measurements (the figures are compare.py's job, outside the test run): each check runs a
tool for about a second against a real server on 127.0.0.1 and checks what it reports.

    CHATKIT_SERVER=... CHATKIT_LOAD=... CHATKIT_LIMIT=... python3 tests/bench/smoke_test.py

ctest sets the programs' paths; without them the tests look in build/.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import benchlib  # noqa: E402
import compare  # noqa: E402
import plot  # noqa: E402

BINARIES = benchlib.Binaries(os.environ.get("CHATKIT_BUILD_DIR",
                                            os.path.join(benchlib.SOURCE_DIR, "build")))
HAVE_LIMIT = os.access(BINARIES.limit, os.X_OK)
HISTORY_POSTS = 200


class LoadToolSmoke(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        BINARIES.check(BINARIES.server, BINARIES.load)
        cls.work = benchlib.WorkDir()
        cls.history = cls.work.file("history.txt")
        benchlib.write_history(cls.history, HISTORY_POSTS)

    @classmethod
    def tearDownClass(cls):
        cls.work.__exit__()

    def load(self, server, **kwargs):
        kwargs.setdefault("duration", 1.0)
        kwargs.setdefault("warmup", 0.2)
        report = benchlib.run_load(BINARIES, server.port, server=server, **kwargs)
        context = "chat-load report: %s\n%s:\n%s" % (json.dumps(report), server.name,
                                                     server.describe())
        return report, context

    def assert_clean(self, report, context):
        self.assertEqual(report["errors"], 0, context)
        self.assertEqual(report["exit_code"], 0, context)
        self.assertGreater(report["transactions"], 0, context)

    def test_read_mode_against_chat_server_reports_transactions_and_no_errors(self):
        with benchlib.start_chat_server(BINARIES, self.work.subdir("read"), self.history) as server:
            report, context = self.load(server, mode="read", clients=4)
        self.assert_clean(report, context)
        self.assertEqual(report["items_per_transaction"], HISTORY_POSTS, context)
        self.assertGreater(report["history_mb_per_second"], 0, context)
        self.assertGreaterEqual(report["p99_ms"], report["p50_ms"], context)

    def test_post_mode_is_acknowledged_and_every_counted_post_is_stored(self):
        directory = self.work.subdir("post")
        with benchlib.start_chat_server(BINARIES, directory) as server:
            report, context = self.load(server, mode="post", clients=4, message_bytes=40)
        self.assert_clean(report, context)
        exported = subprocess.run([BINARIES.server, "--data", os.path.join(directory, "history.db"),
                                   "--export"], stdout=subprocess.PIPE, timeout=60)
        posts = exported.stdout.decode().splitlines()
        # Warm-up and drained transactions are stored but not counted.
        self.assertGreaterEqual(len(posts), report["transactions"], context)
        self.assertTrue(all(post.endswith("x" * 10) for post in posts), posts[:3])

    def test_hold_mode_keeps_every_idle_connection_while_a_client_reads(self):
        with benchlib.start_chat_server(BINARIES, self.work.subdir("hold"), self.history) as server:
            report, context = self.load(server, mode="hold", hold=50, clients=1)
        self.assert_clean(report, context)
        self.assertEqual(report["held"], 50, context)
        self.assertEqual(report["held_lost"], 0, context)

    def test_a_refused_connection_is_an_error_and_a_failing_exit(self):
        with socket.socket() as unused:
            unused.bind(("127.0.0.1", 0))
            port = unused.getsockname()[1]  # Bound, never listening: connections are refused.
            report = benchlib.run_load(BINARIES, port, clients=1, duration=0.3, warmup=0)
        self.assertGreater(report["errors"], 0, json.dumps(report))
        self.assertIn("connect", report["error_kinds"], json.dumps(report))
        self.assertEqual(report["exit_code"], 1, json.dumps(report))

    @unittest.skipUnless(HAVE_LIMIT, "limit-server is built on Linux only (epoll)")
    def test_limit_server_sends_byte_for_byte_what_chat_server_sends(self):
        with benchlib.start_chat_server(BINARIES, self.work.subdir("same-ours"), self.history) as ours, \
                benchlib.start_limit_server(BINARIES, self.work.subdir("same-limit"), self.history) as limit:
            expected = benchlib.read_exchange(ours.port)
            got = benchlib.read_exchange(limit.port)
            self.assertEqual(got, expected, "the limit server must answer the read exchange "
                             "exactly as chat-server does, or the comparison compares nothing")
            report, context = self.load(limit, mode="read", clients=4)
        self.assert_clean(report, context)
        self.assertEqual(report["items_per_transaction"], HISTORY_POSTS, context)

    def test_the_courses_python_server_variant_closes_each_connection(self):
        with benchlib.start_python_server(self.work.subdir("python"), self.history) as server:
            report, context = self.load(server, mode="read", clients=1, duration=0.5)
        self.assert_clean(report, context)
        self.assertEqual(report["items_per_transaction"], HISTORY_POSTS, context)

    def test_the_python_variant_differs_from_the_course_program_only_by_the_close(self):
        with open(os.path.join(benchlib.SOURCE_DIR, "tests", "seed", "stage3_server.py")) as seed:
            original = [line for line in seed.read().splitlines()]
        with open(benchlib.PYTHON_SERVER) as variant:
            changed = [line for line in variant.read().splitlines() if not line.startswith("#")]
        original = [line for line in original if not line.startswith("#")]
        self.assertEqual(changed, original + ["    conn.close()"])


class ComparisonSmoke(unittest.TestCase):
    def test_the_plot_is_well_formed_svg_with_every_series(self):
        series = {name: [{"clients": c, "transactions_per_second": v * c}
                         for c in compare.CLIENT_COUNTS]
                  for name, v in (("python-server", 10.0), ("limit-server", 900.0),
                                  ("chat-server", 800.0))}
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "plot.svg")
            plot.write_svg(series, path, subtitle="test <&> machine")
            root = ElementTree.parse(path).getroot()
        lines = root.findall("{http://www.w3.org/2000/svg}polyline")
        self.assertEqual(len(lines), 3)
        for line in lines:
            self.assertEqual(len(line.get("points").split()), len(compare.CLIENT_COUNTS))

    def test_the_table_states_each_target_and_verdict(self):
        runs = {name: {"transactions_per_second": tps, "p99_ms": 1.0, "history_mb_per_second": mbps,
                       "items_per_transaction": 1000.0}
                for name, tps, mbps in (("python-server", 250.0, 10.0),
                                        ("limit-server", 10000.0, 1000.0),
                                        ("chat-server", 8500.0, 790.0))}
        text = compare.table({"figures": {"read": {"runs": runs}, "replay": {"runs": runs}}})
        self.assertIn("| 85% | 34× | ≥ 80% of limit | **met** |", text)
        self.assertIn("| 79% | 79× | ≥ 80% of limit | **missed** |", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
