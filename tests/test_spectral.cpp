#include "ngsynth/model/spectral.h"

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

}  // namespace
}  // namespace ngsynth
