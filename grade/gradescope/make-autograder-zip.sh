#!/usr/bin/env bash
# Makes the zip to upload to Gradescope as a programming assignment's autograder:
#
#   grade/gradescope/make-autograder-zip.sh --stage N [--points FILE] OUT.zip
#
# At the zip's root: setup.sh and run_autograder (Gradescope looks for them there),
# autograder.conf (the stage, the points file's name) and points.json when --points is given;
# under chatkit/, the kit's source: every file git tracks, as it is in this working tree.
# Needs git and python3 (for the zip: no zip program needed).
set -euo pipefail

usage="usage: $0 --stage 1|2|3 [--points FILE] OUT.zip"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kit=$(cd "$here/../.." && pwd)
stage=
points=
out=
while (($#)); do
  case "$1" in
    --stage) stage=${2:-}; shift 2 || { echo "$usage" >&2; exit 2; } ;;
    --points) points=${2:-}; shift 2 || { echo "$usage" >&2; exit 2; } ;;
    -h|--help) echo "$usage"; exit 0 ;;
    -*) echo "make-autograder-zip: unknown option $1 ($usage)" >&2; exit 2 ;;
    *) [[ -z $out ]] || { echo "make-autograder-zip: one OUT.zip only ($usage)" >&2; exit 2; }
       out=$1; shift ;;
  esac
done
if ! [[ $stage =~ ^[123]$ ]]; then
  echo "make-autograder-zip: --stage must be 1, 2 or 3, not '$stage' ($usage)" >&2
  exit 2
fi
if [[ -z $out || $out != *.zip ]]; then
  echo "make-autograder-zip: name the zip to write, ending in .zip ($usage)" >&2
  exit 2
fi
if [[ -n $points ]]; then
  # Syntax here; the check names are checked by setup.sh on Gradescope (chat-grade --points).
  if ! python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert isinstance(d, dict)' \
      "$points" 2>/dev/null; then
    echo "make-autograder-zip: --points $points is not a JSON object of check names and points" >&2
    exit 2
  fi
fi

git -C "$kit" ls-files -z >/dev/null || {
  echo "make-autograder-zip: $kit is not a git checkout: the zip holds the files git tracks" >&2
  exit 2
}

python3 - "$kit" "$here" "$stage" "$points" "$out" <<'PYTHON'
import os, subprocess, sys, zipfile

kit, here, stage, points, out = sys.argv[1:]
files = subprocess.run(["git", "-C", kit, "ls-files", "-z"], check=True,
                       capture_output=True).stdout.decode().split("\0")

def add(archive, path, name, mode=None):
    info = zipfile.ZipInfo.from_file(path, name)
    if mode is not None:
        info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    with open(path, "rb") as f:
        archive.writestr(info, f.read())

conf = f"# Written by make-autograder-zip.sh\nstage={stage}\n"
if points:
    conf += "points=points.json\n"
tmp = out + ".tmp"
with zipfile.ZipFile(tmp, "w") as archive:
    add(archive, os.path.join(here, "setup.sh"), "setup.sh", 0o755)
    add(archive, os.path.join(here, "run_autograder"), "run_autograder", 0o755)
    conf_info = zipfile.ZipInfo("autograder.conf")
    conf_info.external_attr = (0o100000 | 0o644) << 16
    archive.writestr(conf_info, conf)
    if points:
        add(archive, points, "points.json", 0o644)
    skipped = 0
    for name in filter(None, files):
        path = os.path.join(kit, name)
        if not os.path.isfile(path):  # deleted in the working tree, or a submodule
            skipped += 1
            continue
        add(archive, path, "chatkit/" + name)
os.replace(tmp, out)
print(f"make-autograder-zip: {out}: stage {stage}"
      + (", points from " + points if points else ", 1 point per check")
      + f", {len([f for f in files if f]) - skipped} files of the kit")
PYTHON
