#!/usr/bin/env bash
# Configures and builds ngsynth (Release with debug info) into ./build, 2 jobs by default.
# Pass extra CMake arguments after the script name, e.g. -DCMAKE_PREFIX_PATH=... for a
# CUDA LibTorch. JOBS=N overrides the job count.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build build -j "${JOBS:-2}"
