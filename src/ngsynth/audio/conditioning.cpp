// Implementation notes: sums and filter state are kept in double so that long files and
// low cutoffs (50 Hz at 48 kHz puts the poles very close to z = 1) stay accurate.
#include "ngsynth/audio/conditioning.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "ngsynth/util/error.h"

namespace ngsynth {

void remove_dc(std::span<float> x) noexcept {
  if (x.empty()) return;
  double sum = 0;
  for (float v : x) sum += v;
  const double mean = sum / static_cast<double>(x.size());
  for (float& v : x) v = static_cast<float>(v - mean);
}

Biquad butterworth_highpass(double cutoff_hz, int sample_rate) {
  if (!(cutoff_hz > 0) || sample_rate < 1 || cutoff_hz >= sample_rate / 2.0)
    throw Error("high-pass cutoff " + std::to_string(cutoff_hz) + " Hz must lie between 0 and " +
                std::to_string(sample_rate / 2) + " Hz (half the sample rate)");
  const double w0 = 2 * std::numbers::pi * cutoff_hz / sample_rate;
  const double alpha = std::sin(w0) / std::numbers::sqrt2;  // sin(w0) / (2Q), Q = 1/sqrt(2)
  const double cosw = std::cos(w0);
  const double a0 = 1 + alpha;
  Biquad q;
  q.b0 = (1 + cosw) / 2 / a0;
  q.b1 = -(1 + cosw) / a0;
  q.b2 = (1 + cosw) / 2 / a0;
  q.a1 = -2 * cosw / a0;
  q.a2 = (1 - alpha) / a0;
  return q;
}

void apply_biquad(const Biquad& q, std::span<float> x) noexcept {
  double s1 = 0, s2 = 0;
  for (float& v : x) {
    const double in = v;
    const double out = q.b0 * in + s1;
    s1 = q.b1 * in - q.a1 * out + s2;
    s2 = q.b2 * in - q.a2 * out;
    v = static_cast<float>(out);
  }
}

void highpass(std::span<float> x, double cutoff_hz, int sample_rate) {
  if (cutoff_hz <= 0) return;
  apply_biquad(butterworth_highpass(cutoff_hz, sample_rate), x);
}

float peak_abs(std::span<const float> x) noexcept {
  float peak = 0;
  for (float v : x) peak = std::max(peak, std::abs(v));
  return peak;
}

double amplitude_to_db(double amplitude) noexcept {
  if (amplitude <= 0) return -std::numeric_limits<double>::infinity();
  return 20 * std::log10(amplitude);
}

bool is_silent(std::span<const float> x, double silence_db) noexcept {
  return amplitude_to_db(peak_abs(x)) < silence_db;
}

std::size_t find_onset(std::span<const float> x, double onset_db, std::size_t preroll) noexcept {
  const float peak = peak_abs(x);
  if (peak <= 0) return 0;
  const float threshold = peak * static_cast<float>(std::pow(10.0, onset_db / 20));
  auto first = std::find_if(x.begin(), x.end(),
                            [&](float v) { return std::abs(v) >= threshold; });
  if (first == x.end()) return 0;  // only when onset_db > 0 puts the threshold above the peak
  const auto index = static_cast<std::size_t>(first - x.begin());
  return index > preroll ? index - preroll : 0;
}

std::vector<float> crop_or_pad(std::span<const float> x, std::size_t start, std::size_t length,
                               std::size_t fade) {
  std::vector<float> out(length, 0.0f);
  if (start >= x.size()) return out;
  const std::size_t available = x.size() - start;
  const std::size_t n = std::min(available, length);
  std::copy_n(x.begin() + static_cast<std::ptrdiff_t>(start), n, out.begin());
  if (available > length) {
    fade = std::min(fade, length);
    // Gain falls from just below 1 to 0 at the last sample: 0.5 (1 + cos(pi k / fade)).
    for (std::size_t k = 1; k <= fade; ++k) {
      const double g = 0.5 * (1 + std::cos(std::numbers::pi * k / fade));
      out[length - fade + k - 1] *= static_cast<float>(g);
    }
  }
  return out;
}

void normalize_peak(std::span<float> x, double level) noexcept {
  const float peak = peak_abs(x);
  if (peak <= 0) return;
  const double gain = level / peak;
  for (float& v : x) v = static_cast<float>(v * gain);
}

std::size_t ms_to_samples(double ms, int sample_rate) noexcept {
  if (!(ms > 0) || sample_rate < 1) return 0;
  return static_cast<std::size_t>(std::lround(ms * sample_rate / 1000.0));
}

}  // namespace ngsynth
