#include "ngsynth/runtime/tonal_bank.h"

#include <cmath>
#include <numeric>

namespace ngsynth::rt {

TonalBank::TonalBank(const GrainOptions& o)
    : bins_(o.grain / 2 + 1),
      period_(o.grain / std::gcd(o.grain, o.hop)),
      gain_(static_cast<float>(std::sqrt(o.grain / 3.0))),
      rotations_(static_cast<std::size_t>(period_ * bins_)) {
  const int64_t n = o.grain;
  for (int64_t p = 0; p < period_; ++p) {
    const int64_t step = p * o.hop % n;  // phase advance of bin 1 over p grains, in 1/n turns
    for (int64_t k = 1; k + 1 < bins_; ++k) {
      const double angle = 2.0 * M_PI * double(k * step % n) / double(n);
      rotations_[p * bins_ + k] = {static_cast<float>(std::cos(angle)),
                                   static_cast<float>(std::sin(angle))};
    }
  }
}

void TonalBank::add(const float* t, uint64_t grain_index, std::complex<float>* spectrum) const {
  const std::complex<float>* rot =
      rotations_.data() + static_cast<int64_t>(grain_index % static_cast<uint64_t>(period_)) * bins_;
  for (int64_t k = 0; k < bins_; ++k) spectrum[k] += (gain_ * t[k]) * rot[k];
}

}  // namespace ngsynth::rt
