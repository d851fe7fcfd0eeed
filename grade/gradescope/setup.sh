#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image from the zip
# (make-autograder-zip.sh): it installs what the checks need, as scripts/install-deps.sh
# --role student does (compilers, CMake, libuv, GoogleTest, CLI11, nlohmann-json, Python), builds
# chat-grade and the stage's check program, and grades the stage's reference solution once, so
# that an autograder that cannot work fails here, at upload, and not at every submission.
set -euo pipefail

source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kit=$source_dir/chatkit
build=$kit/build-autograder

stage=$(sed -n 's/^stage=\([123]\)\r\{0,1\}$/\1/p' "$source_dir/autograder.conf")
points=$(sed -n 's/^points=\(.*[^\r]\)\r\{0,1\}$/\1/p' "$source_dir/autograder.conf")
if [[ -z $stage ]]; then
  echo "setup.sh: autograder.conf names no stage (stage=1, 2 or 3)" >&2
  exit 1
fi

# Gradescope's images are Ubuntu; install-deps.sh asks apt for the same packages as on Debian.
"$kit/scripts/install-deps.sh" --role student --update

# Without the presets: they need CMake 3.25, the project 3.20 (Ubuntu 22.04 has 3.22).
cmake -S "$kit" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCHATKIT_PARTS=student -DCHATKIT_BUILD_TESTS=OFF
targets=(chat-grade "stage$stage-check")
if cmake --build "$build" --target help | grep -q '^chat-sandbox:'; then targets+=(chat-sandbox); fi
cmake --build "$build" --target "${targets[@]}"

# The reference solution must pass every check here (and the points file must name real checks).
check_dir=$(mktemp -d)
args=(--stage "$stage" --single "$kit/exercises/solutions/stage$stage/cpp"
      --results "$check_dir/results.json")
[[ -n $points ]] && args+=(--points "$source_dir/$points")
if ! "$build/grade/chat-grade" "${args[@]}"; then
  echo "setup.sh: the reference solution of stage $stage does not pass on this image" \
       "(see above); the autograder would not grade fairly" >&2
  exit 1
fi
rm -rf "$check_dir"
echo "setup.sh: chat-grade for stage $stage is ready"
