#!/usr/bin/env bash
# The test suite under the sanitizers (issue 12): "asan" builds everything with
# AddressSanitizer + UndefinedBehaviorSanitizer into ./build-asan and runs the whole suite
# (the plugin's tests last, with the sanitizer runtimes preloaded into the real hosts);
# "tsan" builds the torch-free tests with ThreadSanitizer into ./build-tsan and runs the
# live engine's, the drum machine's and the servers' tests (the code with threads of its
# own; the HTTP server's on a stand-in instrument, test_http_server.cpp). Both at
# -O1 to keep the build time bearable. Not part of the CI run: the ASan
# build alone takes about an hour on two cores.
# Usage: scripts/sanitize.sh asan|tsan [GTEST_FILTER]
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:?usage: scripts/sanitize.sh asan|tsan [GTEST_FILTER]}"
jobs="${JOBS:-2}"
flags=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1")
case "$kind" in
  asan)
    cmake -S . -B build-asan "${flags[@]}" -DNGSYNTH_SANITIZE=ON >/dev/null
    cmake --build build-asan -j "$jobs"
    # Leaks are not judged: LibTorch's thread pools and caches live until exit.
    export ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}"
    # UBSan only prints by default; halting makes undefined behaviour fail the test it is in.
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
    (cd build-asan && ctest --output-on-failure -j "$jobs" --timeout 1800 -LE plugin ${2:+-R "$2"})
    # The plugin's tests start real hosts (jalv, lv2_validate, jackd's clients), which are
    # not built with the sanitizers: the plugin they load needs the ASan and UBSan runtimes
    # loaded first, so every process of these tests gets them preloaded. Left out: the two
    # hosts that call bindtextdomain at start (jalv.gtk3 in gtk_init, Ardour's luasession in
    # ARDOUR::init) hang there under a preloaded ASan, before any plugin is loaded
    # (`LD_PRELOAD=.../libasan.so jalv.gtk3 --help` hangs too; google/sanitizers#1096).
    preload="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
    # A host's fault the plugin sees under UBSan is suppressed in scripts/ubsan.supp.
    (cd build-asan && LD_PRELOAD="$preload" UBSAN_OPTIONS="suppressions=$PWD/scripts/ubsan.supp:$UBSAN_OPTIONS" ctest --output-on-failure --timeout 1800 -L plugin \
       -E 'PluginUi.JalvGtk|PluginArdour' ${2:+-R "$2"})
    ;;
  tsan)
    cmake -S . -B build-tsan "${flags[@]}" -DNGSYNTH_TSAN=ON -DNGSYNTH_PLUGIN=OFF >/dev/null
    cmake --build build-tsan -j "$jobs" --target ngsynth_dsp_tests
    TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan.supp:${TSAN_OPTIONS:-}" \
      build-tsan/tests/ngsynth_dsp_tests \
      --gtest_filter="${2:-SpscQueue*:Engine*:DrumMachine*:Performer*:OscServer*:JackOutput*:KitSampler*:HttpServer.*}"
    ;;
  *) echo "scripts/sanitize.sh: unknown kind '$kind' (asan or tsan)" >&2; exit 2 ;;
esac
