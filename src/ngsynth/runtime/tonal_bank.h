// The grain decoder's tonal bank (GrainOptions::tonal), beside the filtered noise: grain/2
// sinusoids at k fs / (grain R), k = 1 .. grain/2, R = tonal_oversample (R times finer
// than the grain's own bins, up to fs / 2R: 3.9 Hz apart up to 2 kHz for the fast preset,
// fine enough for the pitch of a kick or a tom), with amplitudes the decoder gives (t_k)
// and the phases of sinusoids running through all grains: cos(2 pi k (j hop + i) / (grain R))
// at sample i of grain j. Overlap-added, a bin held over several grains is one clean,
// phase-continuous tone with a smoothly varying amplitude; noise alone gives it a random
// envelope and a smeared pitch. All bins together peak at t = 0, the event's onset (events
// start 1 ms before it), so the bank can also give an attack click there.
// A grain's tonal part is the first `grain` samples of an inverse real FFT of size grain R
// of gain * t_k * e^{i 2 pi ((k j hop) mod (grain R)) / (grain R)}, where gain = R sqrt(grain
// / 3) gives a tonal magnitude the level of a noise magnitude (the RMS of a bin of the
// noise's spectrum is sqrt(grain / 3)). The phases repeat every grain R / gcd(grain R, hop)
// grains; they are kept as a table, exact for any grain index. Torch-free: model/
// noise_decoder builds its tensors from the same table.
#pragma once

#include <complex>
#include <cstdint>
#include <vector>

#include "ngsynth/spec/options.h"

namespace ngsynth::rt {

class TonalBank {
 public:
  explicit TonalBank(const GrainOptions& options);

  int64_t bins() const { return bins_; }        // tonal magnitudes per grain: grain/2 + 1
  int64_t fft_size() const { return size_; }    // grain * tonal_oversample
  int64_t period() const { return period_; }    // grains after which the phases repeat
  float gain() const { return gain_; }
  // period x bins unit rotations (zero at DC, and at Nyquist when not oversampled), row p
  // for grains j = p mod period.
  const std::vector<std::complex<float>>& rotations() const { return rotations_; }
  // The first bins() entries of the fft_size()/2 + 1 spectrum of grain `grain_index`'s
  // tonal part (the caller keeps the rest zero): gain * t[k] * rotation.
  void spectrum(const float* t, uint64_t grain_index, std::complex<float>* out) const;

 private:
  int64_t bins_, size_, period_;
  float gain_;
  std::vector<std::complex<float>> rotations_;
};

}  // namespace ngsynth::rt
