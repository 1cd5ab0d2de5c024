#include "ngsynth/runtime/kernels.h"

#include <cmath>

#include "ngsynth/util/simd.h"

namespace ngsynth::rt {

NGSYNTH_SIMD_CLONES
void noise_magnitudes(float* __restrict x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    // log sigmoid(x) = min(x, 0) - log1p(exp(-|x|)), without branches.
    const float log_sigmoid = std::fmin(x[i], 0.0f) - std::log1p(std::exp(-std::fabs(x[i])));
    const float h = 2.0f * std::exp(2.302585093f * log_sigmoid);
    x[i] = h >= kSilentMagnitude ? h : 0.0f;
  }
}

}  // namespace ngsynth::rt
