// Element-wise hot loops of the runtime's grain decoder, compiled at -O3 with -ffast-math
// so that exp and log1p use glibc's vector math library (a few ulp), with an x86-64-v3
// clone (util/simd.h).
#pragma once

#include <cstdint>

namespace ngsynth::rt {

// Filter magnitudes below this (-100 dB) render as exact zeros (model/noise_decoder's
// kSilentMagnitude: a grain decoded as silent comes out as digital silence).
inline constexpr float kSilentMagnitude = 1e-5f;

// x <- 2 sigmoid(x)^ln(10) = 2 exp(ln(10) log sigmoid(x)), or 0 below kSilentMagnitude.
void noise_magnitudes(float* x, int64_t n);

}  // namespace ngsynth::rt
