#include "ngsynth/runtime/noise.h"

#include <cmath>

#include "ngsynth/util/simd.h"

namespace ngsynth::rt {

namespace {

constexpr uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
constexpr uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;

inline void mulhilo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  const uint64_t p = uint64_t(a) * b;
  hi = static_cast<uint32_t>(p >> 32);
  lo = static_cast<uint32_t>(p);
}

// 24 high bits -> [-1, 1): exact in float32.
inline float to_signed_unit(uint32_t w) {
  return static_cast<float>(w >> 8) * (2.0f / 16777216.0f) - 1.0f;
}

}  // namespace

std::array<uint32_t, 4> philox4x32(uint64_t key, uint64_t counter_lo, uint64_t counter_hi) {
  uint32_t c0 = static_cast<uint32_t>(counter_lo), c1 = static_cast<uint32_t>(counter_lo >> 32);
  uint32_t c2 = static_cast<uint32_t>(counter_hi), c3 = static_cast<uint32_t>(counter_hi >> 32);
  uint32_t k0 = static_cast<uint32_t>(key), k1 = static_cast<uint32_t>(key >> 32);
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, lo0, hi1, lo1;
    mulhilo(kMul0, c0, hi0, lo0);
    mulhilo(kMul1, c2, hi1, lo1);
    const uint32_t n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
    c0 = n0, c1 = lo1, c2 = n2, c3 = lo0;
    k0 += kWeyl0, k1 += kWeyl1;
  }
  return {c0, c1, c2, c3};
}

namespace {

constexpr int kLanes = 8;

// Philox blocks first..first+7 of a grain at once, lane by lane (integer arithmetic only:
// the vectorised clone gives the same words as the scalar one): out[word * 8 + lane].
NGSYNTH_SIMD_CLONES
void philox_lanes(uint64_t key, uint64_t grain, uint32_t first, uint32_t use, uint32_t* out) {
  uint32_t c0[kLanes], c1[kLanes], c2[kLanes], c3[kLanes];
  for (int l = 0; l < kLanes; ++l) {
    c0[l] = static_cast<uint32_t>(grain), c1[l] = static_cast<uint32_t>(grain >> 32);
    c2[l] = first + static_cast<uint32_t>(l), c3[l] = use;
  }
  uint32_t k0 = static_cast<uint32_t>(key), k1 = static_cast<uint32_t>(key >> 32);
  for (int round = 0; round < 10; ++round) {
    for (int l = 0; l < kLanes; ++l) {
      const uint64_t p0 = uint64_t(kMul0) * c0[l], p1 = uint64_t(kMul1) * c2[l];
      const uint32_t n0 = static_cast<uint32_t>(p1 >> 32) ^ c1[l] ^ k0;
      const uint32_t n2 = static_cast<uint32_t>(p0 >> 32) ^ c3[l] ^ k1;
      c1[l] = static_cast<uint32_t>(p1), c3[l] = static_cast<uint32_t>(p0);
      c0[l] = n0, c2[l] = n2;
    }
    k0 += kWeyl0, k1 += kWeyl1;
  }
  for (int l = 0; l < kLanes; ++l)
    out[l] = c0[l], out[kLanes + l] = c1[l], out[2 * kLanes + l] = c2[l], out[3 * kLanes + l] = c3[l];
}

}  // namespace

void uniform_noise(uint64_t seed, uint64_t grain, float* out, int64_t n) {
  const auto use = static_cast<uint32_t>(RandomUse::noise);
  uint32_t w[4 * kLanes];
  for (int64_t i = 0; i < n; i += 4 * kLanes) {
    philox_lanes(seed, grain, static_cast<uint32_t>(i / 4), use, w);
    // Block b gives samples 4b..4b+3 (its words in order), as philox4x32 would.
    for (int64_t k = 0; k < 4 * kLanes && i + k < n; ++k)
      out[i + k] = to_signed_unit(w[(k % 4) * kLanes + k / 4]);
  }
}

void gaussian(uint64_t seed, RandomUse use, float* out, int64_t n) {
  const uint64_t hi = uint64_t(static_cast<uint32_t>(use)) << 32;
  for (int64_t i = 0; i < n; i += 2) {
    const auto w = philox4x32(seed, static_cast<uint64_t>(i / 2), hi);
    // 53-bit uniforms in (0, 1] and [0, 1).
    const double u1 = (double((uint64_t(w[0]) << 21) ^ (w[1] >> 11)) + 1.0) * 0x1.0p-53;
    const double u2 = double((uint64_t(w[2]) << 21) ^ (w[3] >> 11)) * 0x1.0p-53;
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double a = 6.283185307179586 * u2;
    out[i] = static_cast<float>(r * std::cos(a));
    if (i + 1 < n) out[i + 1] = static_cast<float>(r * std::sin(a));
  }
}

}  // namespace ngsynth::rt
