// Conditioning steps, each against a value computed by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "dsp_test_util.h"
#include "ngsynth/audio/conditioning.h"
#include "ngsynth/util/error.h"

namespace ngsynth {
namespace {

// Steady-state gain (dB) of the 50 Hz high-pass at 16 kHz for a sine of freq_hz, measured
// on the second of two seconds (transient gone; whole periods for the tested frequencies).
double highpass_gain_db(double freq_hz) {
  auto x = test::sine(freq_hz, 32000, 16000, 0.5);
  const double in = test::rms(x.data() + 16000, 16000);
  highpass(x, 50.0, 16000);
  return 20 * std::log10(test::rms(x.data() + 16000, 16000) / in);
}

TEST(Conditioning, RemoveDcLeavesZeroMeanAndTheSignal) {
  auto x = test::sine(100.0, 16000, 16000, 0.5);  // 100 whole periods: mean 0
  const auto clean = x;
  for (float& v : x) v += 0.3f;
  remove_dc(x);
  double mean = 0;
  for (float v : x) mean += v;
  EXPECT_NEAR(mean / x.size(), 0.0, 1e-6);
  for (std::size_t i = 0; i < x.size(); i += 97) EXPECT_NEAR(x[i], clean[i], 1e-5);
}

TEST(Conditioning, HighpassIsMinus3dBAtCutoff) {
  // Butterworth: |H(fc)|^2 = 1/2 -> -3.01 dB (bilinear warping is negligible at 50 Hz).
  EXPECT_NEAR(highpass_gain_db(50.0), -3.01, 0.1);
}

TEST(Conditioning, HighpassAttenuatesRumbleAndKeeps1kHz) {
  // 2nd order: |H(f)|^2 = r^4 / (1 + r^4), r = f / fc. 20 Hz: -15.97 dB; 1 kHz: -0.0003 dB.
  EXPECT_NEAR(highpass_gain_db(20.0), -15.97, 0.3);
  EXPECT_NEAR(highpass_gain_db(1000.0), 0.0, 0.05);
  EXPECT_LT(highpass_gain_db(10.0), -27.0);  // theory -27.96 dB: 12 dB per octave
}

TEST(Conditioning, HighpassRemovesAConstant) {
  std::vector<float> x(16000, 0.5f);
  highpass(x, 50.0, 16000);
  EXPECT_LT(std::abs(x.back()), 1e-4);
}

TEST(Conditioning, HighpassOffIsIdentityAndBadCutoffsThrow) {
  auto x = test::sine(30.0, 1000, 16000);
  const auto y = x;
  highpass(x, 0.0, 16000);
  EXPECT_EQ(x, y);
  EXPECT_THROW(butterworth_highpass(8000.0, 16000), Error);  // at Nyquist
  EXPECT_THROW(butterworth_highpass(-1.0, 16000), Error);
}

TEST(Conditioning, OnsetIsTheFirstSampleWithin30dBOfThePeakMinusPreroll) {
  std::vector<float> x(3000, 0.0f);
  x[500] = 0.02f;   // -34 dB below the peak: not yet the onset
  x[1000] = 0.04f;  // -28 dB: the onset
  x[1005] = -1.0f;  // the peak
  EXPECT_EQ(find_onset(x, -30.0, 0), 1000u);
  EXPECT_EQ(find_onset(x, -30.0, 16), 984u);
  EXPECT_EQ(find_onset(x, -40.0, 16), 484u);  // now 0.02 (-34 dB) counts
  EXPECT_EQ(find_onset(x, -30.0, 5000), 0u);  // preroll longer than the lead: clamp
  EXPECT_EQ(find_onset(std::vector<float>(100, 0.0f), -30.0, 16), 0u);
}

TEST(Conditioning, OnsetOfARamp) {
  std::vector<float> x(1000);
  for (int i = 0; i < 1000; ++i) x[i] = static_cast<float>(i + 1) / 1000;
  // -6.0206 dB = half the peak: the first sample >= 0.5 is i = 499.
  EXPECT_EQ(find_onset(x, -6.0206, 0), 499u);
}

TEST(Conditioning, SilenceIsAPeakBelowTheThreshold) {
  EXPECT_TRUE(is_silent(std::vector<float>(100, 1e-4f), -60.0));   // -80 dBFS
  EXPECT_FALSE(is_silent(std::vector<float>(100, 1e-2f), -60.0));  // -40 dBFS
  EXPECT_TRUE(is_silent(std::vector<float>{}, -60.0));
  EXPECT_TRUE(is_silent(std::vector<float>(10, 0.0f), -60.0));
  EXPECT_NEAR(amplitude_to_db(0.5), -6.0206, 1e-4);
  EXPECT_TRUE(std::isinf(amplitude_to_db(0.0)));
}

TEST(Conditioning, CropGivesTheExactLengthAndFadesOut) {
  const std::vector<float> x(20000, 1.0f);
  const auto y = crop_or_pad(x, 100, 11264, 160);
  ASSERT_EQ(y.size(), 11264u);
  EXPECT_EQ(y[0], 1.0f);
  EXPECT_EQ(y[11264 - 161], 1.0f);           // before the fade
  EXPECT_LT(y[11264 - 160], 1.0f);           // fade starts
  EXPECT_NEAR(y[11264 - 80], 0.5, 0.02);     // half way: raised cosine at 1/2
  EXPECT_EQ(y.back(), 0.0f);                 // ends at zero: no click
  for (std::size_t i = 11264 - 160; i < y.size(); ++i) EXPECT_LE(y[i], y[i - 1]);
}

TEST(Conditioning, PadGivesTheExactLengthWithoutFade) {
  const std::vector<float> x(300, 0.5f);
  const auto y = crop_or_pad(x, 100, 11264, 160);
  ASSERT_EQ(y.size(), 11264u);
  EXPECT_EQ(y[199], 0.5f);  // the last real sample, untouched
  EXPECT_EQ(y[200], 0.0f);
  EXPECT_EQ(test::rms(y.data() + 200, 11064), 0.0);
  EXPECT_EQ(crop_or_pad(x, 5000, 64, 16), std::vector<float>(64, 0.0f));
}

TEST(Conditioning, ExactFitIsNotFaded) {
  const std::vector<float> x(512, 0.25f);
  EXPECT_EQ(crop_or_pad(x, 0, 512, 64), x);
}

TEST(Conditioning, NormalizeSetsThePeak) {
  auto x = test::sine(440.0, 1600, 16000, 0.1);
  normalize_peak(x, 0.9);
  EXPECT_NEAR(peak_abs(x), 0.9, 1e-6);
  std::vector<float> zeros(10, 0.0f);
  normalize_peak(zeros, 0.9);
  EXPECT_EQ(zeros, std::vector<float>(10, 0.0f));
}

TEST(Conditioning, MillisecondsToSamples) {
  EXPECT_EQ(ms_to_samples(10.0, 16000), 160u);
  EXPECT_EQ(ms_to_samples(1.0, 22050), 22u);  // 22.05 rounds to 22
  EXPECT_EQ(ms_to_samples(0.0, 16000), 0u);
}

}  // namespace
}  // namespace ngsynth
