#include "ngsynth/model/recurrent_kernels.h"

#include <cmath>

#include "ngsynth/util/simd.h"

namespace ngsynth {

namespace {
inline float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }
}  // namespace

NGSYNTH_SIMD_CLONES
void matvec_transposed(const float* __restrict x, const float* __restrict wt, int64_t rows,
                       int64_t cols, float* __restrict y) {
  for (int64_t r = 0; r < rows; ++r) {
    const float xr = x[r];
    const float* w = wt + r * cols;
    for (int64_t c = 0; c < cols; ++c) y[c] += xr * w[c];
  }
}

NGSYNTH_SIMD_CLONES
void lstm_step(float* __restrict gates, float* __restrict c, float* __restrict h,
               int64_t hidden) {
  const float* gi = gates;
  const float* gf = gates + hidden;
  const float* gg = gates + 2 * hidden;
  const float* go = gates + 3 * hidden;
  for (int64_t k = 0; k < hidden; ++k) {
    const float cell = sigmoid(gf[k]) * c[k] + sigmoid(gi[k]) * std::tanh(gg[k]);
    c[k] = cell;
    h[k] = sigmoid(go[k]) * std::tanh(cell);
  }
}

NGSYNTH_SIMD_CLONES
void gru_step(const float* __restrict gx, const float* __restrict gh, float* __restrict h,
              int64_t hidden) {
  for (int64_t k = 0; k < hidden; ++k) {
    const float r = sigmoid(gx[k] + gh[k]);
    const float z = sigmoid(gx[hidden + k] + gh[hidden + k]);
    const float n = std::tanh(gx[2 * hidden + k] + r * gh[2 * hidden + k]);
    h[k] = (1.0f - z) * n + z * h[k];
  }
}

}  // namespace ngsynth
