// Spectrogram pictures of sounds for the demo gallery: a log-magnitude STFT (Hann window)
// drawn as a PNG with a magma-like colour map, low frequencies at the bottom.
//
// Levels are in dB relative to a fixed full scale (a full-scale sine reads 0 dB), never
// normalised per picture, so that a quiet resynthesis looks quieter than its loud input
// when the two are shown side by side.
//
// The frequency axis is mel by default: drums put much of what tells them apart (a kick's
// 50-100 Hz body, a tom's pitch, a snare's 200 Hz shell) below 500 Hz, which is 6 % of a
// linear 0..8 kHz axis (10 rows of a 160 px picture) and a fifth of the mel axis (34 rows),
// while 2-8 kHz (hats, cymbals, snare wires) keeps nearly the upper half. Linear is there
// for harmonic analysis (evenly spaced partials).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "ngsynth/plot/canvas.h"

namespace ngsynth {

enum class FrequencyScale { linear, mel };

struct SpectrogramOptions {
  // Picture size. width 0: pixels_per_second * duration, kept within [min_width, max_width].
  int width = 0;
  int height = 160;
  double pixels_per_second = 600.0;
  int min_width = 120, max_width = 1200;
  // STFT size; 0: 1024 at 16 kHz (64 ms), scaled with the rate to a power of two.
  int n_fft = 0;
  // Colour range in dB re full scale: floor_db and below draw as the map's darkest colour.
  double floor_db = -90.0, ceiling_db = 0.0;
  FrequencyScale scale = FrequencyScale::mel;
  // Frequency ticks (kHz) on the left edge and the duration in the bottom-right corner,
  // drawn over the picture (its size stays as asked).
  bool labels = true;
};

// The levels behind a picture: width x height dB values, row 0 the highest frequencies.
struct SpectrogramData {
  int width = 0, height = 0, n_fft = 0;
  std::vector<float> db;  // row after row
  float at(int x, int row) const { return db[static_cast<std::size_t>(row) * width + x]; }
};

// The colour map: t in [0, 1] (clamped), dark purple-black to pale yellow, luminance
// increasing monotonically so level reads as brightness in colour and in greyscale.
Rgb spectrogram_colour(double t);

// The picture width for a sound of n samples (options.width when > 0).
int spectrogram_width(std::size_t n_samples, int sample_rate, const SpectrogramOptions& o);
// The STFT size used at a sample rate (options.n_fft when > 0).
int spectrogram_fft_size(int sample_rate, const SpectrogramOptions& o);
// The row (0 = top) that shows frequency hz, clamped to the picture.
int spectrogram_row(double hz, int sample_rate, int height, FrequencyScale scale);

// Column x is the STFT frame centred at (x + 0.5) / width of the sound (zeros beyond its
// ends); row r shows the strongest bin whose centre lies in the row's frequency band, or,
// where the band is narrower than a bin (the bottom of the mel axis), the magnitude
// interpolated at the band's centre. Error for an empty sound, a rate <= 0, a non-finite
// sample or bad options.
SpectrogramData compute_spectrogram(std::span<const float> samples, int sample_rate,
                                    const SpectrogramOptions& o = {});

// The picture of compute_spectrogram's levels (plus labels if asked).
Canvas draw_spectrogram(std::span<const float> samples, int sample_rate,
                        const SpectrogramOptions& o = {});

}  // namespace ngsynth
