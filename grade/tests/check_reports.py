"""Reads the reports grade_report_fixture writes with other parsers than chat-grade's own.

    check_reports.py FIXTURE_PROGRAM DIR

results.json with Python's json (strict UTF-8), grades.csv with its csv module, junit.xml
with xml.etree (a parse error fails), summary.html with html.parser (every tag it opens it
closes). Exits non-zero with the reason on the first thing wrong.
"""
import csv
import html.parser
import json
import pathlib
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree


def fail(message):
    print("check_reports: " + message, file=sys.stderr)
    sys.exit(1)


def main():
    program, out = sys.argv[1], pathlib.Path(sys.argv[2])
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([program, str(out)], check=True)

    for index in range(6):
        raw = (out / str(index) / "results.json").read_bytes()
        report = json.loads(raw.decode("utf-8"))  # strict: invalid UTF-8 raises
        tests = report["tests"]
        if len(tests) != 5:
            fail(f"{index}/results.json has {len(tests)} tests, not 5")
        total = sum(test["score"] for test in tests)
        if abs(total - report["score"]) > 1e-9:
            fail(f"{index}/results.json: the tests' scores sum to {total}, not {report['score']}")
        for test in tests:
            if test["status"] not in ("passed", "failed"):
                fail(f"{index}/results.json: status {test['status']!r}")

    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if len(rows) != 7 or any(len(row) != 9 for row in rows):
        fail(f"grades.csv: expected 7 rows of 9 fields, got {[len(r) for r in rows]}")
    if [row[5] for row in rows[1:]] != ["7", "3", "0", "1", "0", "5"]:
        fail(f"grades.csv scores: {[row[5] for row in rows[1:]]}")
    if not rows[6][0].startswith("'="):
        fail(f"grades.csv: a formula is not defused: {rows[6][0]!r}")

    root = ElementTree.parse(out / "junit.xml").getroot()
    suites = root.findall("testsuite")
    cases = root.findall("testsuite/testcase")
    failures = root.findall("testsuite/testcase/failure")
    if (len(suites), len(cases), len(failures)) != (6, 30, 17):
        fail(f"junit.xml: {len(suites)} suites, {len(cases)} cases, {len(failures)} failures")
    if int(root.get("failures")) != 17 or int(root.get("tests")) != 30:
        fail("junit.xml: the totals on <testsuites> do not match")
    hostile = suites[5].find("testcase[3]/failure").text
    if "<script>alert('x')</script>" not in hostile:
        fail(f"junit.xml: the hostile report does not read back: {hostile!r}")

    class Balanced(html.parser.HTMLParser):
        VOID = {"meta", "br", "hr", "img", "input", "link"}

        def __init__(self):
            super().__init__()
            self.open = []

        def handle_starttag(self, tag, attrs):
            if tag == "script":
                fail("summary.html has a script")
            if tag not in self.VOID:
                self.open.append(tag)

        def handle_endtag(self, tag):
            if not self.open or self.open[-1] != tag:
                fail(f"summary.html: </{tag}> closes {self.open[-1:]}")
            self.open.pop()

    parser = Balanced()
    parser.feed((out / "summary.html").read_text(encoding="utf-8"))
    parser.close()
    if parser.open:
        fail(f"summary.html: never closed: {parser.open}")
    print("check_reports: results.json x6, grades.csv, junit.xml and summary.html read back")


if __name__ == "__main__":
    main()
