// Helpers for the data-layer tests: test signals, sound files in any libsndfile format,
// and measurements (RMS level, zero crossings). Header-only so it needs no CMake entry.
#pragma once

#include <sndfile.h>

#include <cmath>
#include <filesystem>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

namespace ngsynth::test {

inline std::vector<float> sine(double freq_hz, std::size_t n, int sample_rate,
                               double amplitude = 0.5) {
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i)
    x[i] = static_cast<float>(amplitude * std::sin(2 * std::numbers::pi * freq_hz * i / sample_rate));
  return x;
}

// A drum-like hit: `lead` zeros, then a sine decaying with time constant tau_s.
inline std::vector<float> hit(std::size_t lead, std::size_t n, double freq_hz, int sample_rate,
                              double tau_s = 0.05, double amplitude = 0.8) {
  std::vector<float> x(lead + n, 0.0f);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / sample_rate;
    x[lead + i] = static_cast<float>(amplitude * std::exp(-t / tau_s) *
                                     std::sin(2 * std::numbers::pi * freq_hz * t + 0.5));
  }
  return x;
}

// Writes interleaved samples; sf_format e.g. SF_FORMAT_WAV | SF_FORMAT_FLOAT.
inline void write_sound(const std::filesystem::path& path, const std::vector<float>& interleaved,
                        int sample_rate, int channels, int sf_format) {
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = channels;
  info.format = sf_format;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!f) throw std::runtime_error("cannot write " + path.string() + ": " + sf_strerror(nullptr));
  sf_writef_float(f, interleaved.data(), static_cast<sf_count_t>(interleaved.size() / channels));
  sf_close(f);
}

inline double rms(const float* x, std::size_t n) {
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += static_cast<double>(x[i]) * x[i];
  return n ? std::sqrt(sum / n) : 0.0;
}

inline std::size_t zero_crossings(const std::vector<float>& x) {
  std::size_t n = 0;
  for (std::size_t i = 1; i < x.size(); ++i)
    if ((x[i - 1] < 0) != (x[i] < 0)) ++n;
  return n;
}

}  // namespace ngsynth::test
