"""grade/gradescope/make-autograder-zip.sh makes a zip Gradescope accepts.

    gradescope_zip_test.py KIT_ROOT WORK_DIR

Asserts: setup.sh and run_autograder are at the zip's root and executable; autograder.conf
names the stage and the points file, which is in the zip; the kit's tracked files are under
chatkit/ with their modes (install-deps.sh stays executable); a wrong stage, a points file that
is not JSON, or no OUT.zip are refused with exit status 2 and a one-line reason.
"""
import json
import pathlib
import shutil
import subprocess
import sys
import zipfile


def fail(message):
    print("gradescope_zip_test: " + message, file=sys.stderr)
    sys.exit(1)


def run(script, *args):
    return subprocess.run([str(script), *args], capture_output=True, text=True)


def main():
    kit, work = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    script = kit / "grade" / "gradescope" / "make-autograder-zip.sh"
    points = work / "my-points.json"
    points.write_text(json.dumps({"Stage2Client.ReadsATwoDigitCount": 2}))
    out = work / "autograder.zip"

    made = run(script, "--stage", "2", "--points", str(points), str(out))
    if made.returncode != 0:
        fail(f"exit status {made.returncode}: {made.stderr}")
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        for root_file in ("setup.sh", "run_autograder"):
            if root_file not in names:
                fail(f"{root_file} is not at the zip's root: {sorted(names)[:10]}")
            mode = archive.getinfo(root_file).external_attr >> 16
            if mode & 0o111 != 0o111:
                fail(f"{root_file} is not executable in the zip (mode {mode:o})")
        conf = archive.read("autograder.conf").decode()
        if "stage=2\n" not in conf or "points=points.json\n" not in conf:
            fail(f"autograder.conf: {conf!r}")
        if json.loads(archive.read("points.json")) != {"Stage2Client.ReadsATwoDigitCount": 2}:
            fail("points.json is not the points file given")
        for kit_file in ("chatkit/CMakeLists.txt", "chatkit/grade/student_result.h",
                         "chatkit/exercises/solutions/stage2/cpp/server.cpp"):
            if kit_file not in names:
                fail(f"{kit_file} is not in the zip")
        if archive.getinfo("chatkit/scripts/install-deps.sh").external_attr >> 16 & 0o100 == 0:
            fail("chatkit/scripts/install-deps.sh lost its executable bit")
        if any(name.startswith("chatkit/build") for name in names):
            fail("a build folder went into the zip")

    for args, reason in ((["--stage", "4", str(work / "x.zip")], "--stage must be 1, 2 or 3"),
                         (["--stage", "2"], "name the zip to write"),
                         (["--stage", "2", "--points", str(work / "x.zip"), str(work / "y.zip")],
                          "is not a JSON object")):
        refused = run(script, *args)
        if refused.returncode != 2 or reason not in refused.stderr:
            fail(f"{args}: exit {refused.returncode}, {refused.stderr!r}; expected 2 and {reason!r}")
        if refused.stderr.count("\n") != 1:
            fail(f"{args}: not one line: {refused.stderr!r}")
    print(f"gradescope_zip_test: {len(names)} files, scripts at the root")


if __name__ == "__main__":
    main()
