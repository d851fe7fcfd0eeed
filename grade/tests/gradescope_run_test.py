"""grade/gradescope/run_autograder against a fake /autograder layout.

    gradescope_run_test.py KIT_ROOT WORK_DIR               with a stand-in chat-grade
    gradescope_run_test.py KIT_ROOT WORK_DIR CHAT_GRADE    with the real one

With a stand-in chat-grade that records its arguments: run_autograder passes the stage and the
points file of autograder.conf, the folder holding the student's programs (at the top of the
submission, or below it: a clone, preferring this stage's folder) and Gradescope's results path;
when chat-grade writes no results (it crashed), or autograder.conf is missing, a results.json
still appears, scoring 0 and telling the student to ask their instructor.

With the real chat-grade: the stage-2 Python solution, uploaded inside a folder, scores every
point of the points file; the same solution with the count sent as binary scores less, and its
failed tests carry the check's report with its hint.
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys

STAND_IN = """#!/bin/sh
printf '%s\\n' "$@" > "$(dirname "$0")/args.txt"
[ -n "${STAND_IN_CRASH:-}" ] && exit 3
while [ "$1" != --results ]; do shift; done
echo '{"score": 4, "tests": []}' > "$2"
exit 1
"""


def fail(message):
    print("gradescope_run_test: " + message, file=sys.stderr)
    sys.exit(1)


def layout(work, name, conf, programs):
    root = work / name
    (root / "source").mkdir(parents=True)
    if conf is not None:
        (root / "source" / "autograder.conf").write_text(conf)
    for program in programs:
        path = root / "submission" / program
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# a student's program\n")
    (root / "submission").mkdir(exist_ok=True)
    return root


def run_autograder(kit, work, root, crash=False, chat_grade=None):
    env = dict(os.environ, CHATKIT_AUTOGRADER_ROOT=str(root),
               CHATKIT_CHAT_GRADE=str(chat_grade or work / "chat-grade"))
    if crash:
        env["STAND_IN_CRASH"] = "1"
    done = subprocess.run([str(kit / "grade" / "gradescope" / "run_autograder")], env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        fail(f"run_autograder exited {done.returncode}: {done.stderr}")
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    args_file = work / "args.txt"
    args = args_file.read_text().splitlines() if args_file.exists() else None
    if args_file.exists():
        args_file.unlink()
    return results, args


def real(kit, work, chat_grade):
    solution = kit / "exercises" / "solutions" / "stage2" / "python"
    points = {"Stage2Server.SendsTheCountThenEveryItemOldestFirstByteExact": 5}
    scores = []
    for name, mistake in (("good", None), ("binary-count", ("str(len(history))",
                                                            "'\\x00' * 3 + chr(len(history))"))):
        root = layout(work, name, "stage=2\npoints=points.json\n", [])
        (root / "source" / "points.json").write_text(json.dumps(points))
        folder = root / "submission" / "my-upload"
        shutil.copytree(solution, folder)
        if mistake:
            server = folder / "server.py"
            text = server.read_text()
            if mistake[0] not in text:
                fail(f"the solution no longer has {mistake[0]!r}: update this test")
            server.write_text(text.replace(mistake[0], mistake[1]))
        results, _ = run_autograder(kit, work, root, chat_grade=chat_grade)
        tests = results["tests"]
        max_score = sum(test["max_score"] for test in tests)
        if max_score != len(tests) - 1 + 5 or results["extra_data"]["max_score"] != max_score:
            fail(f"{name}: max_score {max_score} for {len(tests)} tests and a 5-point check")
        scores.append((results["score"], max_score))
        if mistake:
            failed = [test for test in tests if test["status"] == "failed"]
            if not failed or not all("Hint: " in test["output"] for test in failed):
                fail(f"{name}: failed tests without their report and hint: {failed[:1]}")
    if scores[0][0] != scores[0][1] or not scores[1][0] < scores[1][1]:
        fail(f"scores (good, binary count): {scores}")
    print(f"gradescope_run_test: chat-grade scored the solution {scores[0]}, the mistake {scores[1]}")


def main():
    kit, work = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    if len(sys.argv) > 3:
        real(kit, work, pathlib.Path(sys.argv[3]))
        return
    stand_in = work / "chat-grade"
    stand_in.write_text(STAND_IN)
    stand_in.chmod(0o755)

    # A whole clone uploaded: the stage-2 Python folder is graded, with the points file.
    clone = ["clone/exercises/stage1/python/server.py", "clone/exercises/stage1/python/client.py",
             "clone/exercises/stage2/python/server.py", "clone/exercises/stage2/python/client.py"]
    root = layout(work, "clone", "stage=2\r\npoints=points.json\n", clone)
    results, args = run_autograder(kit, work, root)
    expected = ["--stage", "2", "--single",
                str(root / "submission/clone/exercises/stage2/python"), "--results",
                str(root / "results/results.json"), "--no-pch", "--points",
                str(root / "source/points.json")]
    if args != expected:
        fail(f"chat-grade got {args}, expected {expected}")
    if results["score"] != 4:
        fail(f"the results are not chat-grade's: {results}")

    # The programs at the top of the submission: that folder, no points file.
    root = layout(work, "top", "stage=3\n", ["server.cpp", "client.cpp"])
    results, args = run_autograder(kit, work, root)
    if args[:4] != ["--stage", "3", "--single", str(root / "submission")] or "--points" in args:
        fail(f"chat-grade got {args}")

    # chat-grade crashes: results.json still says what happened.
    root = layout(work, "crash", "stage=1\n", ["server.py", "client.py"])
    results, args = run_autograder(kit, work, root, crash=True)
    if results["score"] != 0 or "chat-grade stopped with status 3" not in results["output"] \
            or "tell your instructor" not in results["output"]:
        fail(f"after a crash: {results}")

    # No autograder.conf: chat-grade is not run, results.json says why.
    root = layout(work, "noconf", None, ["server.py", "client.py"])
    results, args = run_autograder(kit, work, root)
    if args is not None or "autograder.conf" not in results["output"]:
        fail(f"without autograder.conf: chat-grade got {args}, results {results}")
    print("gradescope_run_test: run_autograder passes the right arguments and always leaves "
          "results.json")


if __name__ == "__main__":
    main()
