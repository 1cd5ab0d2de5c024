// The grain decoder's tonal bank (GrainOptions::tonal) without LibTorch: its phase table,
// and a decoder whose only output is one tonal bin, which must render one clean sinusoid
// at the bin's frequency (on the grain's own grid, and on one 4 times finer) through every
// overlap of every grain (a whole render, and a stream far into its grain count, which
// makes no heap call), with the level the bank's gain promises; and a stream with
// class_film (FiLM), which must make no heap call either.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numeric>
#include <tuple>

#include "ngsynth/runtime/grain_decoder.h"
#include "ngsynth/runtime/grain_stream.h"
#include "ngsynth/runtime/tonal_bank.h"
#include "ngsynth/util/error.h"
#include "new_counter.h"

namespace ngsynth::rt {
namespace {

GrainOptions small_options(int grain, int hop, int oversample) {
  GrainOptions g;
  g.sample_rate = 8000, g.grain = grain, g.hop = hop, g.n_grains = 9, g.z_dim = 4;
  g.decoder_hidden = 8, g.decoder_layers = 1, g.n_classes = 0, g.conditional = false;
  g.post_filter_taps = 0, g.tonal = true, g.tonal_oversample = oversample;
  g.stft_scales = {64};
  return g;
}

TEST(TonalBank, PhasesRunOnFromGrainToGrain) {
  for (auto [grain, hop, r] : {std::tuple{256, 64, 1}, std::tuple{256, 32, 1}, std::tuple{64, 64, 1},
                               std::tuple{256, 64, 4}, std::tuple{128, 128, 2}}) {
    const GrainOptions g = small_options(grain, hop, r);
    const TonalBank bank(g);
    const int64_t size = int64_t(grain) * r;
    EXPECT_EQ(bank.fft_size(), size);
    EXPECT_EQ(bank.period(), size / std::gcd(size, int64_t(hop)));
    EXPECT_NEAR(bank.gain(), r * std::sqrt(grain / 3.0), 1e-4);
    const int64_t bins = grain / 2 + 1;
    ASSERT_EQ(bank.bins(), bins);
    for (int64_t p = 0; p < bank.period(); ++p) {
      const auto* row = bank.rotations().data() + p * bins;
      EXPECT_EQ(row[0], std::complex<float>(0, 0));  // no DC
      if (r == 1) EXPECT_EQ(row[bins - 1], std::complex<float>(0, 0));  // no Nyquist
      for (int64_t k = 1; k < (r == 1 ? bins - 1 : bins); ++k) {
        // Bin k has advanced p * hop samples of its period grain r / k.
        const double angle = 2 * M_PI * double(k) * double(p * hop) / double(size);
        EXPECT_NEAR(row[k].real(), std::cos(angle), 1e-5) << p << " " << k;
        EXPECT_NEAR(row[k].imag(), std::sin(angle), 1e-5) << p << " " << k;
      }
    }
  }
}

// A decoder of one layer whose output ignores z: noise magnitudes all zero (below the
// silence threshold) and tonal magnitude `level` at bin k0 alone.
TensorSet one_tone(const GrainOptions& g, int64_t k0, float level) {
  const int64_t bins = g.grain / 2 + 1, hidden = g.decoder_hidden;
  TensorSet w;
  w.add("grain.decoder.mlp.0.weight", {hidden, g.z_dim}, std::vector<float>(hidden * g.z_dim, 0.1f));
  w.add("grain.decoder.mlp.0.bias", {hidden}, std::vector<float>(hidden, 0.0f));
  w.add("grain.decoder.mlp.1.weight", {hidden}, std::vector<float>(hidden, 1.0f));
  w.add("grain.decoder.mlp.1.bias", {hidden}, std::vector<float>(hidden, 0.0f));
  std::vector<float> bias(2 * bins, -40.0f);
  // 2 sigmoid(x)^ln 10 = level.
  const double s = std::pow(level / 2.0, 1.0 / std::log(10.0));
  bias[bins + k0] = static_cast<float>(std::log(s / (1 - s)));
  w.add("grain.decoder.mlp.3.weight", {2 * bins, hidden}, std::vector<float>(2 * bins * hidden, 0.0f));
  w.add("grain.decoder.mlp.3.bias", {2 * bins}, bias);
  return w;
}

TEST(TonalBank, OneBinRendersOneCleanSinusoidAcrossGrains) {
  for (int r : {1, 4}) {
    const GrainOptions g = small_options(256, 64, r);
    const int64_t k0 = 7;  // with r = 4: 7/4 cycles a grain, no whole number of them
    const float level = 0.5f;
    const GrainDecoder decoder(g, one_tone(g, k0, level));
    ASSERT_EQ(decoder.outputs(), 2 * decoder.bins());
    // One bin of value gain * level in an inverse FFT of size grain r: a cosine of
    // amplitude 2 gain level / (grain r) = 2 sqrt(grain / 3) level / grain.
    const double amplitude = 2.0 * std::sqrt(g.grain / 3.0) * level / g.grain;
    const double cycles = double(k0) / (double(g.grain) * r);  // per sample
    const int64_t n = 12, length = (n - 1) * g.hop + g.grain;
    const std::vector<float> z(n * g.z_dim, 0.3f);
    const std::vector<float> y = decoder.render(z.data(), n, nullptr, 5, length);
    for (int64_t t = 0; t < length; ++t)
      ASSERT_NEAR(y[t], amplitude * std::cos(2 * M_PI * cycles * t), 1e-5 * amplitude) << r << " " << t;
    // The noise seed plays no part in a tonal-only grain.
    EXPECT_EQ(y, decoder.render(z.data(), n, nullptr, 6, length));

    // A stream: once three grains overlap every sample, the same cosine, also 10 000 grains
    // on; and, real-time code, without a heap call (the bank's FFT and buffers are allocated
    // with the stream).
    GrainStream stream(decoder, 3);
    std::vector<float> out(g.hop);
    const long heap = test::new_calls();
    for (int64_t j = 0; j < 10010; ++j) {
      {
        test::NewCount count;
        stream.next(z.data(), nullptr, out.data());
      }
      if (j < 3 || (j > 10 && j < 10000)) continue;
      for (int64_t i = 0; i < g.hop; ++i)
        ASSERT_NEAR(out[i], amplitude * std::cos(2 * M_PI * cycles * double(j * g.hop + i)),
                    1e-4 * amplitude) << r << " " << j << " " << i;
    }
    EXPECT_EQ(test::new_calls(), heap) << "heap calls while streaming, oversampling " << r;
  }
}

TEST(TonalBank, AStreamWithClassFilmMakesNoHeapCall) {
  // FiLM's scales and shifts are computed per call into the stream's scratch: real-time code.
  GrainOptions g = small_options(256, 64, 4);
  g.conditional = true, g.n_classes = 2, g.class_film = true;
  const int64_t bins = g.grain / 2 + 1, hidden = g.decoder_hidden, in = g.z_dim + g.n_classes;
  TensorSet w;
  w.add("grain.decoder.mlp.0.weight", {hidden, in}, std::vector<float>(hidden * in, 0.1f));
  w.add("grain.decoder.mlp.0.bias", {hidden}, std::vector<float>(hidden, 0.0f));
  w.add("grain.decoder.mlp.1.weight", {hidden}, std::vector<float>(hidden, 1.0f));
  w.add("grain.decoder.mlp.1.bias", {hidden}, std::vector<float>(hidden, 0.0f));
  w.add("grain.decoder.mlp.3.weight", {2 * bins, hidden}, std::vector<float>(2 * bins * hidden, 0.05f));
  w.add("grain.decoder.mlp.3.bias", {2 * bins}, std::vector<float>(2 * bins, -2.0f));
  w.add("grain.decoder.film.weight", {2 * hidden, g.n_classes}, std::vector<float>(2 * hidden * 2, 0.3f));
  const GrainDecoder decoder(g, w);
  GrainStream stream(decoder, 3);
  const std::vector<float> z(g.z_dim, 0.3f), classes = {0.25f, 0.75f};
  std::vector<float> out(g.hop);
  double energy = 0;
  const long heap = test::new_calls();
  for (int j = 0; j < 2000; ++j) {
    test::NewCount count;
    stream.next(z.data(), classes.data(), out.data());
    for (float v : out) energy += double(v) * v;
  }
  EXPECT_EQ(test::new_calls(), heap) << "heap calls while streaming with class_film";
  EXPECT_GT(energy, 0.0);
}

TEST(TonalBank, ADecoderOfTheWrongWidthIsNamed) {
  GrainOptions g = small_options(256, 64, 4);
  const TensorSet w = one_tone(g, 3, 0.5f);
  g.tonal = false;  // the file's weights hold twice the outputs a plain decoder has
  try {
    GrainDecoder d(g, w);
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("grain/2+1"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ngsynth::rt
