#include "ngsynth/audio/fir.h"

#include <algorithm>

#include "ngsynth/util/simd.h"

namespace ngsynth {

// One multiply-add sweep per tap (out[t] += w[k] * in[t + k - taps/2]): a plain axpy that
// the compiler vectorises.
NGSYNTH_SIMD_CLONES
void fir_same(const float* __restrict in, float* __restrict out, int64_t length,
              const float* __restrict taps, int64_t n_taps) {
  std::fill(out, out + length, 0.0f);
  const int64_t pad = n_taps / 2;
  for (int64_t k = 0; k < n_taps; ++k) {
    const int64_t shift = k - pad;
    const int64_t t0 = std::max<int64_t>(0, -shift);
    const int64_t t1 = std::min<int64_t>(length, length - shift);
    const float w = taps[k];
    const float* src = in + shift;
    for (int64_t t = t0; t < t1; ++t) out[t] += w * src[t];
  }
}

}  // namespace ngsynth
