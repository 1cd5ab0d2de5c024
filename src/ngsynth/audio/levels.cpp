#include "ngsynth/audio/levels.h"

#include <algorithm>
#include <cmath>

namespace ngsynth {

double rms_db(const float* x, int64_t n) {
  double energy = 0;
  for (int64_t k = 0; k < n; ++k) energy += double(x[k]) * x[k];
  return 10 * std::log10(energy / double(std::max<int64_t>(n, 1)) + 1e-20);
}

double decay_ms(const float* x, int64_t n, int sample_rate) {
  const int64_t frame = std::max(1, sample_rate / 100);
  std::vector<double> env;
  for (int64_t k = 0; k + frame <= n; k += frame) {
    double e = 0;
    for (int64_t j = 0; j < frame; ++j) e += double(x[k + j]) * x[k + j];
    env.push_back(e / double(frame));
  }
  if (env.empty()) return NAN;
  const int64_t top = std::max_element(env.begin(), env.end()) - env.begin();
  if (!(env[top] > 0)) return NAN;
  int64_t last = top;
  for (int64_t f = top; f < int64_t(env.size()); ++f)
    if (env[f] >= env[top] * 0.01) last = f;  // within 20 dB of the loudest frame
  return 1000.0 * double((last - top + 1) * frame) / sample_rate;
}

SoundLevel measure_level(const float* x, int64_t n, int sample_rate) {
  SoundLevel l;
  double top = 0;
  for (int64_t k = 0; k < n; ++k) top = std::max(top, double(std::abs(x[k])));
  l.rms_db = rms_db(x, n);
  l.peak_db = 20 * std::log10(top + 1e-10);
  l.decay_ms = decay_ms(x, n, sample_rate);
  const int64_t frame = std::max(1, sample_rate / 100);
  l.silent_tail = n > 0;
  for (int64_t k = std::max<int64_t>(0, n - frame); k < n; ++k) l.silent_tail = l.silent_tail && x[k] == 0.0f;
  return l;
}

double median(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const std::size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

}  // namespace ngsynth
