// NGSYNTH_SIMD_CLONES before a function with hot loops: GCC on x86-64 compiles it twice,
// for the baseline and for x86-64-v3 (AVX2, FMA), and picks the clone at load time, so one
// binary runs everywhere and vectorises wide where it can. Nothing elsewhere. Not under
// GCC's sanitizers: the clone resolver runs while the program is loaded, before the
// sanitizer's runtime is set up, and ThreadSanitizer's instrumentation of it crashes.
#pragma once

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__) && \
    !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
#define NGSYNTH_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define NGSYNTH_SIMD_CLONES
#endif
