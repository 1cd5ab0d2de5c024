// Spectrogram pictures: a sine lights the row of its frequency at its level re full scale,
// silence is the colour of the floor, white noise spreads over every row, sizes follow the
// options, and the same sound always gives the same PNG bytes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "dsp_test_util.h"
#include "ngsynth/plot/spectrogram.h"
#include "ngsynth/util/error.h"

namespace ngsynth {
namespace {

SpectrogramOptions plain(FrequencyScale scale = FrequencyScale::mel) {
  SpectrogramOptions o;
  o.labels = false;
  o.scale = scale;
  return o;
}

// The expected row, computed here from the mel formula rather than with the library's.
int expected_row(double hz, int rate, int height, FrequencyScale scale) {
  auto mel = [](double f) { return 2595.0 * std::log10(1.0 + f / 700.0); };
  const double frac = scale == FrequencyScale::mel ? mel(hz) / mel(rate / 2.0) : hz / (rate / 2.0);
  return height - 1 - static_cast<int>(std::floor(frac * height));
}

// The row with the highest level in column x.
int brightest_row(const SpectrogramData& d, int x) {
  int best = 0;
  for (int r = 1; r < d.height; ++r)
    if (d.at(x, r) > d.at(x, best)) best = r;
  return best;
}

double luminance(Rgb c) { return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b; }

std::vector<float> white_noise(std::size_t n, uint32_t seed = 12345) {
  std::vector<float> x(n);
  for (float& v : x) {
    seed = seed * 1664525u + 1013904223u;
    v = static_cast<float>((seed >> 8) / 16777216.0 - 0.5);  // uniform in [-0.5, 0.5)
  }
  return x;
}

struct SineCase {
  double hz;
  int rate;
  FrequencyScale scale;
};

TEST(Spectrogram, ASineLightsTheRowOfItsFrequency) {
  for (const SineCase& c : {SineCase{1000, 16000, FrequencyScale::mel},
                            SineCase{200, 16000, FrequencyScale::mel},
                            SineCase{3000, 16000, FrequencyScale::linear},
                            SineCase{5000, 44100, FrequencyScale::mel}}) {
    SCOPED_TRACE(std::to_string(c.hz) + " Hz at " + std::to_string(c.rate));
    const auto x = test::sine(c.hz, c.rate, c.rate);  // 1 s, amplitude 0.5
    const SpectrogramData d = compute_spectrogram(x, c.rate, plain(c.scale));
    const int want = expected_row(c.hz, c.rate, d.height, c.scale);
    for (int col = d.width / 10; col < d.width * 9 / 10; col += 37)
      EXPECT_NEAR(brightest_row(d, col), want, 1) << "column " << col;
    // And the picture's brightest pixel of a middle column is on that row.
    const Canvas im = draw_spectrogram(x, c.rate, plain(c.scale));
    const int mid = im.width() / 2;
    int best = 0;
    for (int r = 1; r < im.height(); ++r)
      if (luminance(im.pixel(mid, r)) > luminance(im.pixel(mid, best))) best = r;
    EXPECT_NEAR(best, want, 1);
  }
}

TEST(Spectrogram, LevelsAreRelativeToFullScaleNotToThePicture) {
  // 1000 Hz is bin 64 of the 1024-point STFT at 16 kHz: no scalloping loss.
  const SpectrogramData loud = compute_spectrogram(test::sine(1000, 16000, 16000, 0.5), 16000, plain());
  const SpectrogramData quiet = compute_spectrogram(test::sine(1000, 16000, 16000, 0.005), 16000, plain());
  const int x = loud.width / 2;
  EXPECT_NEAR(loud.at(x, brightest_row(loud, x)), 20 * std::log10(0.5), 0.5);
  EXPECT_NEAR(quiet.at(x, brightest_row(quiet, x)), 20 * std::log10(0.005), 0.5);
  // So the quiet sine's peak is drawn darker.
  const Canvas a = draw_spectrogram(test::sine(1000, 16000, 16000, 0.5), 16000, plain());
  const Canvas b = draw_spectrogram(test::sine(1000, 16000, 16000, 0.005), 16000, plain());
  const int row = brightest_row(loud, x);
  EXPECT_EQ(a.pixel(x, row), spectrogram_colour((20 * std::log10(0.5) + 90) / 90));
  EXPECT_LT(luminance(b.pixel(x, row)), luminance(a.pixel(x, row)) - 50);
}

TEST(Spectrogram, SilenceIsTheColourOfTheFloor) {
  const std::vector<float> zeros(8000, 0.0f);
  const Canvas im = draw_spectrogram(zeros, 16000, plain());
  const Rgb floor = spectrogram_colour(0);
  int other = 0;
  for (int y = 0; y < im.height(); ++y)
    for (int x = 0; x < im.width(); ++x) other += !(im.pixel(x, y) == floor);
  EXPECT_EQ(other, 0);
  // A sound quieter than the floor (-100 dBFS) draws the same.
  const Canvas faint = draw_spectrogram(test::sine(1000, 8000, 16000, 1e-5), 16000, plain());
  EXPECT_EQ(faint.pixels(), im.pixels());
}

TEST(Spectrogram, WhiteNoiseCoversEveryRowAndASineDoesNot) {
  auto row_means = [](const SpectrogramData& d) {
    std::vector<double> m(d.height, 0.0);
    for (int r = 0; r < d.height; ++r) {
      for (int x = d.width / 10; x < d.width * 9 / 10; ++x) m[r] += d.at(x, r);
      m[r] /= d.width * 8 / 10;
    }
    return m;
  };
  const auto spread = [](const std::vector<double>& m) {
    return *std::max_element(m.begin(), m.end()) - *std::min_element(m.begin(), m.end());
  };
  const auto noise = row_means(compute_spectrogram(white_noise(16000), 16000, plain()));
  // Uniform noise of rms 0.29: about -33 dB per bin; no row near the -90 dB floor.
  for (int r = 0; r < static_cast<int>(noise.size()); ++r) EXPECT_GT(noise[r], -45) << "row " << r;
  EXPECT_LT(spread(noise), 12.0);
  const auto sine = row_means(compute_spectrogram(test::sine(1000, 16000, 16000), 16000, plain()));
  EXPECT_GT(spread(sine), 60.0);
}

TEST(Spectrogram, SizeFollowsTheOptions) {
  const SpectrogramOptions o = plain();
  EXPECT_EQ(spectrogram_width(16000, 16000, o), 600);   // 1 s: 600 px
  EXPECT_EQ(spectrogram_width(8000, 16000, o), 300);
  EXPECT_EQ(spectrogram_width(44100, 44100, o), 600);
  EXPECT_EQ(spectrogram_width(800, 16000, o), 120);     // 50 ms: min_width
  EXPECT_EQ(spectrogram_width(160000, 16000, o), 1200); // 10 s: max_width
  const auto x = test::sine(440, 12000, 16000);
  Canvas im = draw_spectrogram(x, 16000, o);
  EXPECT_EQ(im.width(), 450);
  EXPECT_EQ(im.height(), 160);
  SpectrogramOptions fixed = o;
  fixed.width = 333;
  fixed.height = 77;
  fixed.labels = true;
  im = draw_spectrogram(x, 16000, fixed);
  EXPECT_EQ(im.width(), 333);
  EXPECT_EQ(im.height(), 77);
  // The PNG header says so too.
  const std::string png = im.encode(ImageFormat::png);
  ASSERT_GT(png.size(), 24u);
  auto be32 = [&](int at) {
    return (static_cast<uint8_t>(png[at]) << 24) | (static_cast<uint8_t>(png[at + 1]) << 16) |
           (static_cast<uint8_t>(png[at + 2]) << 8) | static_cast<uint8_t>(png[at + 3]);
  };
  EXPECT_EQ(be32(16), 333);
  EXPECT_EQ(be32(20), 77);
}

TEST(Spectrogram, FftSizeScalesWithTheRate) {
  const SpectrogramOptions o;
  EXPECT_EQ(spectrogram_fft_size(16000, o), 1024);
  EXPECT_EQ(spectrogram_fft_size(8000, o), 512);
  EXPECT_EQ(spectrogram_fft_size(22050, o), 1024);
  EXPECT_EQ(spectrogram_fft_size(32000, o), 2048);
  EXPECT_EQ(spectrogram_fft_size(44100, o), 2048);
  EXPECT_EQ(spectrogram_fft_size(48000, o), 2048);
  SpectrogramOptions mine;
  mine.n_fft = 256;
  EXPECT_EQ(spectrogram_fft_size(48000, mine), 256);
}

TEST(Spectrogram, TheSameSoundGivesTheSameBytes) {
  const auto x = test::hit(400, 12000, 180, 16000);
  SpectrogramOptions o;  // labels on
  const std::string a = draw_spectrogram(x, 16000, o).encode(ImageFormat::png);
  EXPECT_EQ(draw_spectrogram(x, 16000, o).encode(ImageFormat::png), a);
  const auto y = test::hit(400, 12000, 190, 16000);
  EXPECT_NE(draw_spectrogram(y, 16000, o).encode(ImageFormat::png), a);
}

TEST(Spectrogram, LabelsStayAtTheEdges) {
  const std::vector<float> zeros(16000, 0.0f);
  SpectrogramOptions o = plain();
  const Canvas bare = draw_spectrogram(zeros, 16000, o);
  o.labels = true;
  const Canvas labelled = draw_spectrogram(zeros, 16000, o);
  ASSERT_EQ(labelled.width(), bare.width());
  ASSERT_EQ(labelled.height(), bare.height());
  int changed = 0, astray = 0;
  for (int y = 0; y < bare.height(); ++y)
    for (int x = 0; x < bare.width(); ++x) {
      if (labelled.pixel(x, y) == bare.pixel(x, y)) continue;
      ++changed;
      const bool left = x < 40, corner = x > bare.width() - 60 && y > bare.height() - 14;
      astray += !(left || corner);
    }
  EXPECT_GT(changed, 100);  // ticks, kHz labels and the duration
  EXPECT_EQ(astray, 0);
}

TEST(Spectrogram, TheColourMapBrightensMonotonically) {
  double last = -1;
  for (int i = 0; i <= 256; ++i) {
    const double l = luminance(spectrogram_colour(i / 256.0));
    EXPECT_GE(l, last) << "at " << i;
    last = l;
  }
  EXPECT_LT(luminance(spectrogram_colour(0)), 5);
  EXPECT_GT(luminance(spectrogram_colour(1)), 240);
  EXPECT_EQ(spectrogram_colour(-3), spectrogram_colour(0));
  EXPECT_EQ(spectrogram_colour(7), spectrogram_colour(1));
}

TEST(Spectrogram, RefusesWhatItCannotDraw) {
  const std::vector<float> empty;
  EXPECT_THROW(draw_spectrogram(empty, 16000), Error);
  const auto x = test::sine(440, 1600, 16000);
  EXPECT_THROW(draw_spectrogram(x, 0), Error);
  std::vector<float> bad = x;
  bad[100] = std::nanf("");
  EXPECT_THROW(draw_spectrogram(bad, 16000), Error);
  SpectrogramOptions o;
  o.floor_db = 0;
  EXPECT_THROW(draw_spectrogram(x, 16000, o), Error);
  o = {};
  o.n_fft = 1023;
  EXPECT_THROW(draw_spectrogram(x, 16000, o), Error);
}

}  // namespace
}  // namespace ngsynth
