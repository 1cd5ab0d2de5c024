// NGSYNTH_SIMD_CLONES before a function with hot loops: GCC on x86-64 compiles it twice,
// for the baseline and for x86-64-v3 (AVX2, FMA), and picks the clone at load time, so one
// binary runs everywhere and vectorises wide where it can. Nothing elsewhere.
#pragma once

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define NGSYNTH_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define NGSYNTH_SIMD_CLONES
#endif
