#include "ngsynth/model/spectral.h"

#include "ngsynth/model/grains.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ngsynth {
namespace {

torch::Tensor test_signal() {
  torch::manual_seed(1);
  torch::Tensor t = torch::arange(8192, torch::kFloat32) / 16000;
  return (0.5 * torch::sin(2 * M_PI * 440 * t) + 0.1 * torch::randn({8192})).unsqueeze(0);
}

const std::vector<int> kScales = {1024, 256, 64};

TEST(SpectralDistance, ZeroForIdenticalSignals) {
  torch::Tensor x = test_signal();
  auto d = multiscale_spectral_distance(x, x, kScales, 1.0, 1e-5);
  EXPECT_EQ(d.total.item<float>(), 0.0f);
}

// Doubling the amplitude: spectral convergence |S - 2S| / |S| = 1 per scale and the log
// term is ln 2 per scale (up to eps), so the total is 3 (1 + ln 2) within 1 %.
TEST(SpectralDistance, KnownValueForGainChange) {
  torch::Tensor x = test_signal();
  auto d = multiscale_spectral_distance(x, 2 * x, kScales, 1.0, 1e-7);
  EXPECT_NEAR(d.linear.item<double>(), 3.0, 1e-4);
  EXPECT_NEAR(d.log.item<double>(), 3 * std::log(2.0), 0.03);
}

TEST(SpectralDistance, GrowsWithNoiseLevel) {
  torch::Tensor x = test_signal();
  torch::manual_seed(9);
  torch::Tensor noise = torch::randn_like(x);
  double previous = 0;
  for (double level : {0.001, 0.01, 0.1}) {
    const double d =
        multiscale_spectral_distance(x, x + level * noise, kScales, 1.0, 1e-5).total.item<double>();
    EXPECT_GT(d, previous * 1.5) << "level " << level;
    previous = d;
  }
}

TEST(LogSpectralDistance, SixDecibelsForDoubleAmplitude) {
  torch::Tensor x = test_signal();
  torch::Tensor lsd = log_spectral_distance(x, 2 * x, 512);
  EXPECT_NEAR(lsd.item<double>(), 20 * std::log10(2.0), 1e-3);
  EXPECT_NEAR(log_spectral_distance(x, x, 512).item<double>(), 0.0, 1e-9);
}

TEST(StftMagnitude, SineLandsInItsBin) {
  torch::Tensor t = torch::arange(4096, torch::kFloat32) / 16000;
  torch::Tensor x = torch::sin(2 * M_PI * 1000 * t).unsqueeze(0);
  torch::Tensor s = stft_magnitude(x, 512);  // bin width 31.25 Hz: 1000 Hz is bin 32
  EXPECT_EQ(s[0][8].argmax().item<int64_t>(), 32);
  EXPECT_NEAR(s[0][8][32].item<double>(), 0.5, 0.01);  // amplitude-normalised
}

// Sound made the way the grain decoder makes it: uniform noise in [-1, 1) filtered by a
// known smooth magnitude profile H per grain, windowed and overlap-added (8 events of 41
// grains of 1024 samples, hop 256, flat edges).
struct FilteredNoise {
  GrainFraming framing{1024, 256, true};
  torch::Tensor filter;  // (8, 41, 513)
  torch::Tensor audio;   // (8, 10 496)
};

FilteredNoise filtered_noise() {
  FilteredNoise f;
  torch::manual_seed(3);
  const torch::Tensor k = torch::arange(513, torch::kFloat32);
  const torch::Tensor h = 0.05 + 0.5 * torch::exp(-k / 80.0);
  f.filter = h.expand({8, 41, 513}).contiguous();
  const torch::Tensor noise = torch::rand({8 * 41, 1024}) * 2.0 - 1.0;
  const torch::Tensor grains = torch::fft::irfft(torch::fft::rfft(noise) * h, 1024);
  f.audio = f.framing.overlap_add(grains.view({8, 41, 1024}));
  return f;
}

// The target recovers the filter that made the sound, in energy: incoherent overlap-add
// (4.3 dB quieter than one grain in the middle of an event, 0 dB where a flat edge stands
// alone) is accounted for grain by grain.
TEST(FilterTarget, RecoversTheFilterThatMadeTheSound) {
  const FilteredNoise f = filtered_noise();
  const torch::Tensor target = filter_target(f.audio, f.framing);
  ASSERT_EQ(target.sizes(), f.filter.sizes());
  const torch::Tensor power_ratio =
      target.square().mean(std::vector<int64_t>{0, 2}) /
      f.filter.square().mean(std::vector<int64_t>{0, 2});  // per grain (41)
  EXPECT_NEAR(power_ratio.narrow(0, 4, 33).mean().item<double>(), 1.0, 0.05);
  for (int64_t j : {0, 1, 2, 3, 37, 38, 39, 40})
    EXPECT_NEAR(power_ratio[j].item<double>(), 1.0, 0.25) << "grain " << j;
  // Without the overlap-add term the middle would be 0.375 (-4.3 dB): far outside.
}

// The training target stops at the decoder's ceiling of 2; the exact filter does not: a
// loud tone needs far more than 2 in its bins.
TEST(FilterTarget, IsTheExactFilterCappedAtTheDecodersCeiling) {
  const GrainFraming framing{1024, 256, true};
  const torch::Tensor t = torch::arange(framing.length_for(9), torch::kFloat32) / 16000;
  const torch::Tensor tone = (0.9 * torch::sin(2 * M_PI * 60 * t)).unsqueeze(0);
  const torch::Tensor exact = exact_filter(tone, framing);
  EXPECT_GT(exact.max().item<double>(), 10.0);
  EXPECT_TRUE(torch::equal(filter_target(tone, framing), exact.clamp_max(2.0)));
  const FilteredNoise f = filtered_noise();  // below the ceiling, the two are one
  EXPECT_TRUE(torch::allclose(filter_target(f.audio, f.framing), exact_filter(f.audio, f.framing)));
}

TEST(FilterMagnitudeDistance, ZeroAtTheTargetAndLeastAtTheTrueFilter) {
  const FilteredNoise f = filtered_noise();
  const torch::Tensor target = filter_target(f.audio, f.framing);
  EXPECT_NEAR(
      filter_magnitude_distance(f.audio, f.framing, target, 1.0, 1e-5).total.item<double>(), 0.0,
      1e-6);
  auto at = [&](double gain) {
    return filter_magnitude_distance(f.audio, f.framing, gain * f.filter, 1.0, 1e-5)
        .total.item<double>();
  };
  EXPECT_LT(at(1.0), at(0.5));
  EXPECT_LT(at(1.0), at(2.0));
  EXPECT_THROW(filter_magnitude_distance(f.audio, f.framing, f.filter.narrow(1, 0, 40), 1.0, 1e-5),
               c10::Error);
}

}  // namespace
}  // namespace ngsynth
