#include "ngsynth/runtime/layers.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "ngsynth/util/error.h"
#include "ngsynth/util/simd.h"

namespace ngsynth::rt {

namespace {

constexpr int64_t kCols = 16;  // columns per tile: two 8-float vectors
constexpr int64_t kRows = 6;   // rows per tile: 12 accumulators

typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4)));

// An unaligned load (a macro: a function returning a vector would change the ABI of the
// baseline clone).
#define NGSYNTH_LOAD8(p) (*reinterpret_cast<const v8u*>(p))

// One tile of rows r0..r0+rows (rows <= kRows) and columns j0..j0+16 of y = x wt + bias,
// accumulated over the k inputs; stores the first `cols` columns (<= 16).
template <int64_t R>
__attribute__((always_inline)) inline void tile(const float* __restrict x, int64_t in, const float* __restrict wt, int64_t ld,
                 const float* __restrict bias, float* __restrict y, int64_t y_stride, int64_t cols) {
  v8 acc[R][2];
  for (int64_t r = 0; r < R; ++r) acc[r][0] = NGSYNTH_LOAD8(bias), acc[r][1] = NGSYNTH_LOAD8(bias + 8);
  for (int64_t k = 0; k < in; ++k) {
    const v8 b0 = NGSYNTH_LOAD8(wt + k * ld), b1 = NGSYNTH_LOAD8(wt + k * ld + 8);
    for (int64_t r = 0; r < R; ++r) {
      const float a = x[r * in + k];
      acc[r][0] += a * b0;
      acc[r][1] += a * b1;
    }
  }
  for (int64_t r = 0; r < R; ++r) {
    float* dst = y + r * y_stride;
    if (cols == kCols) {
      std::memcpy(dst, &acc[r][0], 32);
      std::memcpy(dst + 8, &acc[r][1], 32);
    } else {
      float tmp[kCols];
      std::memcpy(tmp, &acc[r][0], 32);
      std::memcpy(tmp + 8, &acc[r][1], 32);
      std::copy(tmp, tmp + cols, dst);
    }
  }
}

NGSYNTH_SIMD_CLONES
void gemm_bias(const float* __restrict x, int64_t n, int64_t in, const float* __restrict wt,
               int64_t ld, int64_t out, const float* __restrict bias, float* __restrict y) {
  for (int64_t j0 = 0; j0 < out; j0 += kCols) {
    const int64_t cols = std::min(kCols, out - j0);
    int64_t r0 = 0;
    for (; r0 + kRows <= n; r0 += kRows)
      tile<kRows>(x + r0 * in, in, wt + j0, ld, bias + j0, y + r0 * out + j0, out, cols);
    for (; r0 < n; ++r0)
      tile<1>(x + r0 * in, in, wt + j0, ld, bias + j0, y + r0 * out + j0, out, cols);
  }
}

}  // namespace

Linear::Linear(const std::vector<float>& weight, const std::vector<float>& bias, int64_t out,
               int64_t in)
    : in_(in), out_(out), ld_((out + kCols - 1) / kCols * kCols) {
  if (static_cast<int64_t>(weight.size()) != out * in || static_cast<int64_t>(bias.size()) != out)
    throw Error("linear layer: wrong weight sizes");
  wt_.assign(static_cast<std::size_t>(in * ld_), 0.0f);
  for (int64_t o = 0; o < out; ++o)
    for (int64_t i = 0; i < in; ++i) wt_[i * ld_ + o] = weight[o * in + i];
  bias_.assign(static_cast<std::size_t>(ld_), 0.0f);
  std::copy(bias.begin(), bias.end(), bias_.begin());
}

Linear Linear::from(const TensorSet& set, const std::string& prefix, int64_t in) {
  const NamedTensor& w = set.at_rank(prefix + ".weight", 2);
  const int64_t out = w.shape[0];
  set.at(prefix + ".weight", {out, in});
  return Linear(w.data, set.at(prefix + ".bias", {out}).data, out, in);
}

void Linear::forward(const float* x, int64_t n, float* y) const {
  gemm_bias(x, n, in_, wt_.data(), ld_, out_, bias_.data(), y);
}

LayerNorm LayerNorm::from(const TensorSet& set, const std::string& prefix, int64_t size) {
  LayerNorm ln;
  ln.gamma_ = set.at(prefix + ".weight", {size}).data;
  ln.beta_ = set.at(prefix + ".bias", {size}).data;
  return ln;
}

void LayerNorm::forward(float* x, int64_t n) const {
  const auto size = static_cast<int64_t>(gamma_.size());
  for (int64_t r = 0; r < n; ++r, x += size) {
    double sum = 0, sq = 0;
    for (int64_t i = 0; i < size; ++i) sum += x[i];
    const double mean = sum / size;
    for (int64_t i = 0; i < size; ++i) sq += (x[i] - mean) * (x[i] - mean);
    const auto m = static_cast<float>(mean);
    const auto inv = static_cast<float>(1.0 / std::sqrt(sq / size + 1e-5));
    for (int64_t i = 0; i < size; ++i) x[i] = (x[i] - m) * inv * gamma_[i] + beta_[i];
  }
}

void leaky_relu(float* x, int64_t n, float slope) {
  for (int64_t i = 0; i < n; ++i) x[i] = x[i] > 0 ? x[i] : x[i] * slope;
}

int64_t Mlp::widest() const {
  int64_t w = 0;
  for (const auto& b : blocks_) w = std::max(w, b.linear.out());
  return w;
}

void Mlp::forward(const float* x, int64_t n, float* y, float* scratch, const float* film) const {
  const int64_t w = widest();
  float* buf[2] = {scratch, scratch + n * w};
  const float* in = x;
  for (std::size_t i = 0; i < blocks_.size(); ++i) {
    const Block& b = blocks_[i];
    float* out = i + 1 == blocks_.size() ? y : buf[i % 2];
    b.linear.forward(in, n, out);
    if (b.norm) b.layer_norm.forward(out, n);
    if (b.norm && film) {
      const int64_t m = b.linear.out();
      const float *scale = film, *shift = film + m;
      for (int64_t r = 0; r < n; ++r)
        for (int64_t k = 0; k < m; ++k) out[r * m + k] = out[r * m + k] * scale[k] + shift[k];
      film += 2 * m;
    }
    if (b.activation) leaky_relu(out, n * b.linear.out());
    in = out;
  }
}

}  // namespace ngsynth::rt
