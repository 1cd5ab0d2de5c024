#include "ngsynth/runtime/tonal_bank.h"

#include <cmath>
#include <numeric>

namespace ngsynth::rt {

TonalBank::TonalBank(const GrainOptions& o)
    : bins_(o.grain / 2 + 1),
      size_(int64_t(o.grain) * o.tonal_oversample),
      period_(size_ / std::gcd(size_, int64_t(o.hop))),
      gain_(static_cast<float>(o.tonal_oversample * std::sqrt(o.grain / 3.0))),
      rotations_(static_cast<std::size_t>(period_ * bins_)) {
  const int64_t top = o.tonal_oversample == 1 ? bins_ - 1 : bins_;  // no Nyquist sinusoid
  for (int64_t p = 0; p < period_; ++p) {
    const int64_t step = p * o.hop % size_;  // phase advance of bin 1 over p grains, in 1/size turns
    for (int64_t k = 1; k < top; ++k) {
      const double angle = 2.0 * M_PI * double(k * step % size_) / double(size_);
      rotations_[p * bins_ + k] = {static_cast<float>(std::cos(angle)),
                                   static_cast<float>(std::sin(angle))};
    }
  }
}

void TonalBank::spectrum(const float* t, uint64_t grain_index, std::complex<float>* out) const {
  const std::complex<float>* rot =
      rotations_.data() + static_cast<int64_t>(grain_index % static_cast<uint64_t>(period_)) * bins_;
  for (int64_t k = 0; k < bins_; ++k) out[k] = (gain_ * t[k]) * rot[k];
}

}  // namespace ngsynth::rt
