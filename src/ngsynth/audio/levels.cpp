#include "ngsynth/audio/levels.h"

#include "ngsynth/audio/conditioning.h"

#include <algorithm>
#include <cmath>

namespace ngsynth {

double rms_db(const float* x, int64_t n) {
  double energy = 0;
  for (int64_t k = 0; k < n; ++k) energy += double(x[k]) * x[k];
  return 10 * std::log10(energy / double(std::max<int64_t>(n, 1)) + 1e-20);
}

float scale_to_level(std::span<float> out, double target_rms_db, double peak_limit) {
  const double now = rms_db(out.data(), int64_t(out.size()));
  if (now < -150 || !(target_rms_db >= -150) || !(peak_limit > 0)) return 1.0f;
  double gain = std::pow(10.0, (target_rms_db - now) / 20);
  const double top = peak_abs(out);
  if (top * gain > peak_limit) gain = peak_limit / top;
  for (float& v : out) v = float(v * gain);
  return float(gain);
}

float match_level(std::span<float> out, std::span<const float> reference) {
  return scale_to_level(out, rms_db(reference.data(), int64_t(reference.size())), peak_abs(reference));
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

namespace {
int64_t loudest_frame_start(const float* x, int64_t n, int64_t frame) {
  double best = -1;
  int64_t at = 0;
  for (int64_t k = 0; k + frame <= n; k += frame) {
    double e = 0;
    for (int64_t j = 0; j < frame; ++j) e += double(x[k + j]) * x[k + j];
    if (e > best) best = e, at = k;
  }
  return at;
}
}  // namespace

double body_pitch_hz(const float* x, int64_t n, int sample_rate) {
  const int64_t start = loudest_frame_start(x, n, std::max(1, sample_rate / 100));
  const int64_t len = std::min<int64_t>(n - start, sample_rate / 5);
  if (len < sample_rate / 50) return NAN;
  std::vector<double> w(static_cast<std::size_t>(len));
  for (int64_t i = 0; i < len; ++i)
    w[i] = x[start + i] * (0.5 - 0.5 * std::cos(2 * M_PI * double(i) / double(len)));
  const double lo = 30, hi = 400, step = 2;
  std::vector<double> power;
  for (double f = lo; f <= hi; f += step) {
    // The DFT at f with a rotating phasor (renormalised to stay on the unit circle).
    const double c = std::cos(2 * M_PI * f / sample_rate), s = std::sin(2 * M_PI * f / sample_rate);
    double pr = 1, pi = 0, re = 0, im = 0;
    for (int64_t i = 0; i < len; ++i) {
      re += w[i] * pr, im -= w[i] * pi;
      const double nr = pr * c - pi * s;
      pi = pr * s + pi * c, pr = nr;
      if ((i & 255) == 255) {
        const double g = 1 / std::hypot(pr, pi);
        pr *= g, pi *= g;
      }
    }
    power.push_back(re * re + im * im);
  }
  const auto top = std::max_element(power.begin(), power.end()) - power.begin();
  if (!(power[top] > 0)) return NAN;
  double offset = 0;  // a parabola through the log powers around the peak
  if (top > 0 && top + 1 < int64_t(power.size()) && power[top - 1] > 0 && power[top + 1] > 0) {
    const double a = std::log(power[top - 1]), b = std::log(power[top]), c = std::log(power[top + 1]);
    const double d = a - 2 * b + c;
    if (d < 0) offset = 0.5 * (a - c) / d;
  }
  return lo + (double(top) + offset) * step;
}

double semitones_apart(double a_hz, double b_hz) { return std::abs(12 * std::log2(a_hz / b_hz)); }

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
