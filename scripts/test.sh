#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: installs the dependencies, builds,
# runs every test (GoogleTest under CTest), then every fuzz target for FUZZ_SECONDS
# (default 30; 0 skips them) over its seed corpus and regression inputs, built with clang,
# ASan and UBSan into build-fuzz. This is what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j 2 --timeout 600)
fuzz_seconds=${FUZZ_SECONDS:-30}
if [ "$fuzz_seconds" != 0 ]; then scripts/fuzz.sh "$fuzz_seconds"; fi
