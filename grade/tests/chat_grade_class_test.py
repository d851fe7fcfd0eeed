#!/usr/bin/env python3
"""grade.ChatGrade.AClassGradesInOneCommand: the instructor's one command, end to end.

Puts together a small stage-2 class (a correct C++ submission, a correct Python one, a C++ one
whose client does not compile, and a folder without the programs), runs

    chat-grade --stage 2 --out DIR SUBMISSIONS

and checks everything the instructor gets: a progress line per student and the class's line,
DIR/<student>/results.json (Gradescope's format), grades.csv, junit.xml and summary.html, each
saying the same about each student.

Usage: chat_grade_class_test.py --chat-grade PATH --source-dir DIR --work DIR
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

STAGE2_CHECKS = 21  # build/exercises/stage2/stage2-check --gtest_list_tests


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def expect(condition, message):
    if not condition:
        fail(message)


def make_class(source, submissions):
    solutions = os.path.join(source, "exercises/solutions/stage2")
    broken = os.path.join(source, "grade/tests/submissions")
    shutil.copytree(os.path.join(solutions, "cpp"), os.path.join(submissions, "alice"))
    shutil.copytree(os.path.join(solutions, "python"), os.path.join(submissions, "bob"))
    shutil.copytree(os.path.join(solutions, "cpp"), os.path.join(submissions, "carol"))
    client = os.path.join(submissions, "carol", "client.cpp")
    with open(client, encoding="utf-8") as f:
        text = f.read()
    # One missing semicolon: the kind of compile error a student hands in.
    expect("return 0;" in text, "the stage-2 C++ client has no 'return 0;' to break")
    with open(client, "w", encoding="utf-8") as f:
        f.write(text.replace("return 0;", "return 0", 1))
    shutil.copytree(os.path.join(broken, "missing-files"), os.path.join(submissions, "dave"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chat-grade", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    submissions = os.path.join(args.work, "submissions")
    out = os.path.join(args.work, "results")
    os.makedirs(submissions)
    make_class(args.source_dir, submissions)

    run = subprocess.run([args.chat_grade, "--stage", "2", "--out", out, submissions],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600,
                         check=False)
    output = run.stdout.decode("utf-8", "replace")
    steps = "chat-grade's output:\n" + output
    expect(run.returncode == 0, f"chat-grade exited {run.returncode}, expected 0\n{steps}")
    for student in ("alice", "bob", "carol", "dave"):
        expect(f"] {student}: " in output, f"no progress line for {student}\n{steps}")
    expect("graded 4 students in" in output, f"no line for the whole class\n{steps}")

    # results.json: Gradescope's format, one per student.
    results = {}
    for student in ("alice", "bob", "carol", "dave"):
        path = os.path.join(out, student, "results.json")
        expect(os.path.isfile(path), f"no {path}\n{steps}")
        with open(path, encoding="utf-8") as f:
            results[student] = json.load(f)
        tests = results[student]["tests"]
        expect(len(tests) == STAGE2_CHECKS,
               f"{student}: {len(tests)} tests in results.json, expected every check of the "
               f"stage ({STAGE2_CHECKS})")
        for test in tests:
            for field in ("name", "status", "score", "max_score", "visibility"):
                expect(field in test, f"{student}: a test without '{field}': {test}")
    for student in ("alice", "bob"):
        got = results[student]
        expect(got["score"] == STAGE2_CHECKS and got["max_score"] == STAGE2_CHECKS,
               f"{student} (a correct solution): score {got['score']} of {got['max_score']}, "
               f"expected {STAGE2_CHECKS} of {STAGE2_CHECKS}\n{got['output'][:2000]}")
    carol = results["carol"]
    expect(carol["score"] == 0, f"carol (client does not compile): score {carol['score']}, expected 0")
    expect("client.cpp" in carol["output"] and "error" in carol["output"],
           "carol's results.json should show the compiler's first error (client.cpp:...: error: "
           f"...), got:\n{carol['output'][:2000]}")
    expect(all(t["status"] == "failed" and "Not run" in t.get("output", "")
               for t in carol["tests"]),
           "carol's checks should all be failed with 'Not run: ...' (nothing could run)")
    dave = results["dave"]
    expect(dave["score"] == 0 and "server" in dave["output"],
           f"dave (no programs): expected 0 and a word on the files needed, got {dave['score']}: "
           f"{dave['output'][:500]}")

    # grades.csv: a row per student, agreeing with results.json.
    with open(os.path.join(out, "grades.csv"), newline="", encoding="utf-8") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    expect(sorted(rows) == ["alice", "bob", "carol", "dave"], f"grades.csv rows: {sorted(rows)}")
    expected = {"alice": ("C++", "built", STAGE2_CHECKS), "bob": ("Python", "nothing to build",
                STAGE2_CHECKS), "carol": ("C++", "failed", 0), "dave": (None, "missing files", 0)}
    for student, (language, build, passed) in expected.items():
        row = rows[student]
        expect(row["build"] == build and int(row["passed"]) == passed and
               (language is None or row["language"] == language),
               f"grades.csv, {student}: expected {language}, {build}, {passed} passed; got {row}")
        expect(float(row["score"]) == results[student]["score"],
               f"grades.csv and results.json disagree on {student}'s score")

    # junit.xml: a suite per student, a case per check, failures where results.json has them.
    root = ElementTree.parse(os.path.join(out, "junit.xml")).getroot()
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    expect(sorted(suites) == ["alice", "bob", "carol", "dave"], f"junit suites: {sorted(suites)}")
    for student, suite in suites.items():
        failed = sum(1 for t in results[student]["tests"] if t["status"] == "failed")
        expect(int(suite.get("tests")) == STAGE2_CHECKS and int(suite.get("failures")) == failed,
               f"junit.xml, {student}: {suite.attrib}, expected {STAGE2_CHECKS} tests and "
               f"{failed} failures")

    # summary.html: the page names every student.
    with open(os.path.join(out, "summary.html"), encoding="utf-8") as f:
        page = f.read()
    for student in ("alice", "bob", "carol", "dave"):
        expect(student in page, f"summary.html does not name {student}")
    print("a class of 4 graded in one command: every report agrees")
    shutil.rmtree(args.work, ignore_errors=True)


if __name__ == "__main__":
    main()
