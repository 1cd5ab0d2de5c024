#include "ngsynth/runtime/recurrent_kernels.h"

#include <cmath>
#include <cstring>

#if defined(__GNUC__) && defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#define NGSYNTH_F16C 1
#endif

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

float half_to_float(uint16_t h) {
  const uint32_t sign = uint32_t(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
  uint32_t bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (man << 13);  // inf, nan
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (man << 13);
  } else if (man == 0) {
    bits = sign;
  } else {  // subnormal: value man * 2^-24
    float f = static_cast<float>(man) * 0x1.0p-24f;
    std::memcpy(&bits, &f, 4);
    bits |= sign;
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

void to_half(const float* in, uint16_t* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    uint32_t x;
    std::memcpy(&x, &in[i], 4);
    const uint32_t sign = (x >> 16) & 0x8000;
    const uint32_t a = x & 0x7fffffffu;
    uint16_t h;
    if (a >= 0x7f800000u) {
      h = static_cast<uint16_t>(sign | 0x7c00 | (a > 0x7f800000u ? 0x200 : 0));
    } else if (a >= 0x477ff000u) {  // rounds to >= 65520: infinity
      h = static_cast<uint16_t>(sign | 0x7c00);
    } else if (a < 0x38800000u) {   // below 2^-14: subnormal half, round to nearest even
      float f;
      std::memcpy(&f, &a, 4);
      h = static_cast<uint16_t>(sign | static_cast<uint32_t>(std::nearbyint(f * 0x1.0p24f)));
    } else {
      const uint32_t rounded = a + 0xfff + ((a >> 13) & 1);
      h = static_cast<uint16_t>(sign | ((rounded - 0x38000000u) >> 13));
    }
    out[i] = h;
  }
}

namespace {

void matvec_half_portable(const float* __restrict x, const uint16_t* __restrict wt, int64_t rows,
                          int64_t cols, float* __restrict y) {
  for (int64_t r = 0; r < rows; ++r) {
    const float xr = x[r];
    const uint16_t* w = wt + r * cols;
    for (int64_t c = 0; c < cols; ++c) y[c] += xr * half_to_float(w[c]);
  }
}

#ifdef NGSYNTH_F16C
__attribute__((target("avx2,fma,f16c")))
void matvec_half_f16c(const float* __restrict x, const uint16_t* __restrict wt, int64_t rows,
                      int64_t cols, float* __restrict y) {
  // Two rows at a time: y is read and written half as often.
  int64_t r = 0;
  for (; r + 2 <= rows; r += 2) {
    const __m256 x0 = _mm256_set1_ps(x[r]), x1 = _mm256_set1_ps(x[r + 1]);
    const uint16_t* w0 = wt + r * cols;
    const uint16_t* w1 = w0 + cols;
    int64_t c = 0;
    for (; c + 8 <= cols; c += 8) {
      __m256 acc = _mm256_loadu_ps(y + c);
      acc = _mm256_fmadd_ps(x0, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w0 + c))), acc);
      acc = _mm256_fmadd_ps(x1, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w1 + c))), acc);
      _mm256_storeu_ps(y + c, acc);
    }
    for (; c < cols; ++c) y[c] += x[r] * half_to_float(w0[c]) + x[r + 1] * half_to_float(w1[c]);
  }
  if (r < rows) matvec_half_portable(x + r, wt + r * cols, rows - r, cols, y);
}
#endif

}  // namespace

void matvec_transposed_half(const float* x, const uint16_t* wt, int64_t rows, int64_t cols,
                            float* y) {
#ifdef NGSYNTH_F16C
  // F16C from CPUID leaf 1 (ECX bit 29): clang 14 has no __builtin_cpu_supports("f16c").
  static const bool f16c = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
           __get_cpuid(1, &a, &b, &c, &d) && (c & bit_F16C);
  }();
  if (f16c) return matvec_half_f16c(x, wt, rows, cols, y);
#endif
  matvec_half_portable(x, wt, rows, cols, y);
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
