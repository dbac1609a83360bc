#!/bin/sh
# Builds adse and runs every test. BUILD_DIR (default build) and SANITIZE=1 (ASan+UBSan,
# Debug) select the build; extra arguments go to ctest.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
BUILD_DIR=${BUILD_DIR:-build}
if [ "${SANITIZE:-0}" = 1 ]; then
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DADSE_SANITIZE=ON >/dev/null
else
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$BUILD_DIR"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j2 "$@"
