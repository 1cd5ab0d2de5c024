// Level measurements against sounds whose levels are known by construction.
#include "ngsynth/audio/levels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ngsynth/audio/conditioning.h"

namespace ngsynth {
namespace {

constexpr int kRate = 16000;

// A 1 kHz sine of amplitude `a` that falls by `db_per_s` from sample `onset` on (silence
// before it), `seconds` long.
std::vector<float> decaying_sine(double a, double db_per_s, double seconds, int onset = 0) {
  std::vector<float> x(static_cast<std::size_t>(seconds * kRate), 0.0f);
  for (std::size_t k = onset; k < x.size(); ++k) {
    const double t = double(k - onset) / kRate;
    x[k] = float(a * std::pow(10.0, -db_per_s * t / 20) * std::sin(2 * M_PI * 1000 * t));
  }
  return x;
}

TEST(Levels, RmsAndPeakOfASteadySine) {
  const auto x = decaying_sine(0.5, 0, 1.0);
  const SoundLevel l = measure_level(x.data(), int64_t(x.size()), kRate);
  EXPECT_NEAR(l.rms_db, 20 * std::log10(0.5 / std::sqrt(2.0)), 0.01);
  EXPECT_NEAR(l.peak_db, 20 * std::log10(0.5), 0.01);
  EXPECT_NEAR(l.decay_ms, 1000, 10);  // never falls 20 dB: loud to the end
  EXPECT_FALSE(l.silent_tail);
}

TEST(Levels, DecayIsTheTimeToFall20DecibelsFromTheLoudestFrame) {
  // 100 dB/s falls 20 dB in 200 ms, 50 dB/s in 400 ms; a silent lead-in does not count.
  for (const auto& [rate, expected] : {std::pair{100.0, 200.0}, {50.0, 400.0}}) {
    const auto x = decaying_sine(0.8, rate, 1.0, kRate / 10);
    EXPECT_NEAR(decay_ms(x.data(), int64_t(x.size()), kRate), expected, 10) << rate;
  }
  // A faster fall after a later loudest frame: measured from that frame on.
  auto x = decaying_sine(0.1, 100, 1.0);
  const auto hit = decaying_sine(0.9, 200, 0.5);
  for (std::size_t k = 0; k < hit.size(); ++k) x[kRate / 4 + k] += hit[k];
  EXPECT_NEAR(decay_ms(x.data(), int64_t(x.size()), kRate), 100, 10);
}

TEST(Levels, SilenceHasNoDecayAndASilentTail) {
  std::vector<float> x(kRate, 0.0f);
  const SoundLevel l = measure_level(x.data(), int64_t(x.size()), kRate);
  EXPECT_TRUE(std::isnan(l.decay_ms));
  EXPECT_TRUE(l.silent_tail);
  EXPECT_LT(l.rms_db, -190);
  x[100] = 0.5f;  // a click, then digital silence: the tail is still silent
  EXPECT_TRUE(measure_level(x.data(), int64_t(x.size()), kRate).silent_tail);
  x.back() = 1e-6f;
  EXPECT_FALSE(measure_level(x.data(), int64_t(x.size()), kRate).silent_tail);
}

TEST(Levels, BodyPitchIsTheStrongestLowPartialWithinAFractionOfAHertz) {
  // A decaying kick-like body at f with a weaker octave and a noisy click before it.
  for (double f : {43.0, 61.7, 98.0, 187.3}) {
    std::vector<float> x(kRate / 2, 0.0f);
    uint32_t seed = 7;
    for (int k = 0; k < 160; ++k) {
      seed = seed * 1664525u + 1013904223u;
      x[k] = 0.3f * (float(seed >> 8) / float(1 << 24) - 0.5f);
    }
    for (std::size_t k = 160; k < x.size(); ++k) {
      const double t = double(k) / kRate;
      const double env = std::exp(-t / 0.15);
      x[k] += float(env * (0.8 * std::sin(2 * M_PI * f * t) + 0.3 * std::sin(4 * M_PI * f * t)));
    }
    EXPECT_NEAR(body_pitch_hz(x.data(), int64_t(x.size()), kRate), f, 0.5) << f;
  }
  std::vector<float> silence(kRate, 0.0f);
  EXPECT_TRUE(std::isnan(body_pitch_hz(silence.data(), kRate, kRate)));
  EXPECT_NEAR(semitones_apart(110, 220), 12, 1e-12);
  EXPECT_NEAR(semitones_apart(220, 110), 12, 1e-12);
  EXPECT_NEAR(semitones_apart(100, 100 * std::pow(2.0, 1.0 / 12)), 1, 1e-12);
}

TEST(Levels, ScaleToLevelReachesTheRmsUnlessThePeakLimitBinds) {
  std::vector<float> x(1000);
  for (std::size_t k = 0; k < x.size(); ++k) x[k] = 0.1f * std::sin(0.05f * float(k));
  const double before = rms_db(x.data(), 1000);
  std::vector<float> y = x;
  const float g = scale_to_level(y, before + 6, 1.0);
  EXPECT_NEAR(rms_db(y.data(), 1000), before + 6, 1e-3);
  EXPECT_NEAR(g, std::pow(10.0, 6.0 / 20), 1e-4);
  for (std::size_t k = 0; k < x.size(); ++k) ASSERT_FLOAT_EQ(y[k], x[k] * g);
  y = x;  // 40 dB up would peak at 10: held to the limit instead
  EXPECT_NEAR(scale_to_level(y, before + 40, 0.5), 5.0, 1e-3);
  EXPECT_NEAR(peak_abs(y), 0.5, 1e-6);
  std::vector<float> zeros(100, 0.0f);  // silence stays silence
  EXPECT_EQ(scale_to_level(zeros, -10, 1.0), 1.0f);
  EXPECT_EQ(peak_abs(zeros), 0.0);
  y = x;  // a silent target leaves the sound as it is
  EXPECT_EQ(scale_to_level(y, -200, 1.0), 1.0f);
  EXPECT_EQ(y, x);
  // match_level: the reference's RMS, its peak as the limit.
  std::vector<float> quiet = x;
  for (float& v : quiet) v *= 0.25f;
  match_level(quiet, x);
  EXPECT_NEAR(rms_db(quiet.data(), 1000), before, 1e-3);
  EXPECT_NEAR(peak_abs(quiet), peak_abs(x), 1e-6);
}

TEST(Levels, MedianOfTheFiniteValues) {
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(median({NAN, 5, 1, INFINITY}), 3);
  EXPECT_TRUE(std::isnan(median({})));
  EXPECT_TRUE(std::isnan(median({NAN})));
}

}  // namespace
}  // namespace ngsynth
