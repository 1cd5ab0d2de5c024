// The STFT runs over the runtime's kissfft wrapper (rt::RealFft), one frame per picture
// column, so the picture is exactly as wide as asked whatever the sound's length and no
// column is resampled. Magnitudes are scaled by 2 / sum(window), which makes a full-scale
// sine centred on a bin read 0 dB.
#include "ngsynth/plot/spectrogram.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <numbers>
#include <string>

#include "ngsynth/runtime/fft.h"
#include "ngsynth/util/error.h"

namespace ngsynth {

namespace {

// Nine colours sampled along matplotlib's "magma" (CC0), linearly interpolated in between.
constexpr Rgb kMap[] = {{0, 0, 4},       {28, 16, 68},    {79, 18, 123},
                        {129, 37, 129},  {181, 54, 122},  {229, 80, 100},
                        {251, 135, 97},  {254, 194, 135}, {252, 253, 191}};
constexpr int kMapSteps = static_cast<int>(std::size(kMap)) - 1;

double mel(double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); }

// Position on the frequency axis (mel or Hz), in the axis' own units.
double axis(double hz, FrequencyScale s) { return s == FrequencyScale::mel ? mel(hz) : hz; }

void check_options(int sample_rate, const SpectrogramOptions& o) {
  if (sample_rate <= 0) throw Error("spectrogram: sample rate must be positive");
  if (o.height < 8 || o.height > 4096) throw Error("spectrogram: height must be 8..4096 pixels");
  if (o.width != 0 && (o.width < 1 || o.width > 16384))
    throw Error("spectrogram: width must be 1..16384 pixels (or 0: from the duration)");
  if (o.width == 0 && (!(o.pixels_per_second > 0) || o.min_width < 1 || o.max_width < o.min_width ||
                       o.max_width > 16384))
    throw Error("spectrogram: need pixels_per_second > 0 and 1 <= min_width <= max_width <= 16384");
  if (o.n_fft != 0 && (o.n_fft < 16 || o.n_fft > 65536 || o.n_fft % 2 != 0))
    throw Error("spectrogram: n_fft must be even, 16..65536 (or 0: from the rate)");
  if (!(o.floor_db < o.ceiling_db)) throw Error("spectrogram: floor_db must be below ceiling_db");
}

constexpr Font kLabelFont{9};

// Small text with a one-pixel dark shadow, readable over bright and dark areas alike.
void label(Canvas& im, double x, double y, const std::string& s, Align align = Align::left) {
  im.text(x + 1, y + 1, s, {0, 0, 0}, kLabelFont, align);
  im.text(x, y, s, {235, 235, 235}, kLabelFont, align);
}

std::string khz_label(double hz) {
  if (hz < 1000) return std::to_string(static_cast<int>(hz));
  return std::to_string(static_cast<int>(hz / 1000)) + "k";
}

void draw_labels(Canvas& im, std::size_t n_samples, int sample_rate, FrequencyScale scale) {
  const double nyquist = sample_rate / 2.0;
  std::vector<double> ticks;
  if (scale == FrequencyScale::mel) {
    ticks = {100, 500, 1000, 2000, 4000, 8000, 16000};
  } else {
    const double step = nyquist > 12000 ? 5000 : nyquist > 5000 ? 2000 : 1000;
    for (double f = step; f < nyquist; f += step) ticks.push_back(f);
  }
  const double cap = cap_height(kLabelFont), spacing = cap + 4;
  double last_y = im.height() + spacing;
  for (double f : ticks) {
    if (f >= nyquist * 0.97) break;
    const int row = spectrogram_row(f, sample_rate, im.height(), scale);
    const double y = row + 0.5 - cap / 2;
    // Skip a tick that would overlap the one below it or leave the picture.
    if (y < 1 || last_y - y < spacing) continue;
    im.fill_rect(0, row, 4, 1, {235, 235, 235});
    label(im, 6, y, khz_label(f));
    last_y = y;
  }
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.2f s", static_cast<double>(n_samples) / sample_rate);
  if (im.width() >= text_width(duration, kLabelFont) + 40 && im.height() >= 24)
    label(im, im.width() - 5, im.height() - cap - 4, duration, Align::right);
}

}  // namespace

Rgb spectrogram_colour(double t) {
  if (!(t > 0)) return kMap[0];  // also NaN
  if (t >= 1) return kMap[kMapSteps];
  const double pos = t * kMapSteps;
  const int i = std::min(static_cast<int>(pos), kMapSteps - 1);
  const double f = pos - i;
  auto mix = [f](uint8_t a, uint8_t b) {
    return static_cast<uint8_t>(std::lround(a + (static_cast<double>(b) - a) * f));
  };
  return {mix(kMap[i].r, kMap[i + 1].r), mix(kMap[i].g, kMap[i + 1].g), mix(kMap[i].b, kMap[i + 1].b)};
}

int spectrogram_width(std::size_t n_samples, int sample_rate, const SpectrogramOptions& o) {
  check_options(sample_rate, o);
  if (o.width > 0) return o.width;
  const double w = o.pixels_per_second * static_cast<double>(n_samples) / sample_rate;
  return static_cast<int>(std::clamp<double>(std::lround(w), o.min_width, o.max_width));
}

int spectrogram_fft_size(int sample_rate, const SpectrogramOptions& o) {
  check_options(sample_rate, o);
  if (o.n_fft > 0) return o.n_fft;
  // The largest power of two up to 1.25x the scaled size: 16 and 32 kHz get exactly 64 ms
  // (1024, 2048), 44.1 and 48 kHz 2048 (46 and 43 ms), 8 kHz 512.
  const double target = 1024.0 * sample_rate / 16000.0 * 1.25;
  int n = 64;
  while (n * 2 <= target && n < 16384) n *= 2;
  return n;
}

int spectrogram_row(double hz, int sample_rate, int height, FrequencyScale scale) {
  const double top = axis(sample_rate / 2.0, scale);
  const double a = axis(std::max(hz, 0.0), scale) / top * height;  // rows from the bottom
  const int row = height - 1 - static_cast<int>(std::floor(a));
  return std::clamp(row, 0, height - 1);
}

SpectrogramData compute_spectrogram(std::span<const float> samples, int sample_rate,
                                    const SpectrogramOptions& o) {
  check_options(sample_rate, o);
  if (samples.empty()) throw Error("spectrogram: the sound is empty");
  for (float s : samples)
    if (!std::isfinite(s)) throw Error("spectrogram: the sound holds a NaN or infinite sample");

  SpectrogramData d;
  d.width = spectrogram_width(samples.size(), sample_rate, o);
  d.height = o.height;
  d.n_fft = spectrogram_fft_size(sample_rate, o);
  const int n_fft = d.n_fft, bins = n_fft / 2 + 1, h = d.height;

  // Periodic Hann window; 2 / sum(w) = 4 / n_fft turns a bin's magnitude into amplitude.
  std::vector<float> window(n_fft);
  for (int i = 0; i < n_fft; ++i)
    window[i] = static_cast<float>(0.5 - 0.5 * std::cos(2 * std::numbers::pi * i / n_fft));
  const double to_amplitude = 4.0 / n_fft;

  // Which bins each row shows: every bin belongs to the row its centre frequency falls in;
  // a row no bin falls in interpolates at its band's centre.
  std::vector<std::vector<int>> row_bins(h);
  for (int k = 0; k < bins; ++k)
    row_bins[spectrogram_row(static_cast<double>(k) * sample_rate / n_fft, sample_rate, h, o.scale)]
        .push_back(k);
  std::vector<double> row_centre_bin(h);
  const double top = axis(sample_rate / 2.0, o.scale);
  for (int r = 0; r < h; ++r) {
    const double a = (h - r - 0.5) / h * top;  // the band's centre on the axis
    const double hz = o.scale == FrequencyScale::mel ? 700.0 * (std::pow(10.0, a / 2595.0) - 1.0) : a;
    row_centre_bin[r] = std::clamp(hz * n_fft / sample_rate, 0.0, static_cast<double>(bins - 1));
  }

  rt::RealFft fft(n_fft);
  std::vector<float> frame(n_fft);
  std::vector<std::complex<float>> spectrum(bins);
  std::vector<double> magnitude(bins);
  d.db.assign(static_cast<std::size_t>(d.width) * h, 0.0f);
  const auto n = static_cast<long long>(samples.size());
  for (int x = 0; x < d.width; ++x) {
    const long long centre = std::llround((x + 0.5) * static_cast<double>(n) / d.width);
    const long long start = centre - n_fft / 2;
    for (int i = 0; i < n_fft; ++i) {
      const long long j = start + i;
      frame[i] = (j >= 0 && j < n) ? samples[static_cast<std::size_t>(j)] * window[i] : 0.0f;
    }
    fft.forward(frame.data(), spectrum.data());
    for (int k = 0; k < bins; ++k) magnitude[k] = std::abs(spectrum[k]) * to_amplitude;
    for (int r = 0; r < h; ++r) {
      double m = 0;
      if (!row_bins[r].empty()) {
        for (int k : row_bins[r]) m = std::max(m, magnitude[k]);
      } else {
        const double b = row_centre_bin[r];
        const int k0 = std::min(static_cast<int>(b), bins - 2);
        m = magnitude[k0] + (magnitude[k0 + 1] - magnitude[k0]) * (b - k0);
      }
      d.db[static_cast<std::size_t>(r) * d.width + x] =
          static_cast<float>(20.0 * std::log10(std::max(m, 1e-12)));
    }
  }
  return d;
}

Canvas draw_spectrogram(std::span<const float> samples, int sample_rate,
                        const SpectrogramOptions& o) {
  const SpectrogramData d = compute_spectrogram(samples, sample_rate, o);
  std::vector<Rgb> pixels(d.db.size());
  const double range = o.ceiling_db - o.floor_db;
  for (std::size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = spectrogram_colour((d.db[i] - o.floor_db) / range);
  Canvas im(d.width, d.height);
  im.image(0, 0, d.width, d.height, pixels);
  if (o.labels) draw_labels(im, samples.size(), sample_rate, o.scale);
  return im;
}

}  // namespace ngsynth
