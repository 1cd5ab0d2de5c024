// The grain decoder's tonal bank (GrainOptions::tonal), beside the filtered noise: grain j
// also holds, for every bin k between DC and Nyquist, a sinusoid at the bin's frequency
// k fs / grain whose amplitude the decoder gives (t_k) and whose phase is that of one
// sinusoid running through all grains: cos(2 pi k (j hop + i) / grain) at sample i of
// grain j. Overlap-added, a bin held over several grains is one clean, phase-continuous
// tone with a smoothly varying amplitude; noise alone gives it a random envelope. All bins
// together peak at t = 0, the event's onset (events start 1 ms before it), so the bank can
// also give an attack click there. In the spectrum of grain j the sinusoid is
// gain * t_k * e^{i 2 pi ((k j hop) mod grain) / grain}, gain = sqrt(grain / 3): the RMS of
// a bin of the noise's spectrum, so that a tonal and a noise magnitude mean the same level.
// The phases repeat every grain / gcd(grain, hop) grains; they are kept as a table, exact
// for any grain index. Torch-free: model/noise_decoder builds its tensors from this table.
#pragma once

#include <complex>
#include <cstdint>
#include <vector>

#include "ngsynth/spec/options.h"

namespace ngsynth::rt {

class TonalBank {
 public:
  explicit TonalBank(const GrainOptions& options);

  int64_t bins() const { return bins_; }
  int64_t period() const { return period_; }  // grains after which the phases repeat
  float gain() const { return gain_; }
  // period x bins unit rotations (zero at DC and Nyquist), row p for grains j = p mod period.
  const std::vector<std::complex<float>>& rotations() const { return rotations_; }
  // spectrum[k] += gain * t[k] * rotation(grain_index, k), for the bins of one grain.
  void add(const float* t, uint64_t grain_index, std::complex<float>* spectrum) const;

 private:
  int64_t bins_, period_;
  float gain_;
  std::vector<std::complex<float>> rotations_;
};

}  // namespace ngsynth::rt
