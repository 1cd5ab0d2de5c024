#include "ngsynth/model/grain_vae.h"

#include <gtest/gtest.h>

#include "model_test_util.h"
#include "ngsynth/model/spectral.h"

namespace ngsynth {
namespace {

TEST(GrainVae, ShapesForBothPresets) {
  for (const std::string name : {"fast", "paper"}) {
    GrainOptions o = make_preset(name).grain;
    o.n_classes = 3;
    GrainVae vae(o);
    vae->eval();
    torch::NoGradGuard no_grad;
    at::Generator gen = make_generator(1);
    torch::Tensor x = torch::randn({2, o.event_length()}) * 0.1;
    GrainVaeOutput out = vae->forward(x, torch::tensor({0, 2}), gen);
    EXPECT_EQ(out.audio.sizes(), x.sizes()) << name;
    EXPECT_EQ(out.mu.sizes(), (std::vector<int64_t>{2, o.n_grains, o.z_dim})) << name;
    EXPECT_EQ(out.logvar.sizes(), out.mu.sizes()) << name;
    EXPECT_TRUE(torch::isfinite(out.audio).all().item<bool>()) << name;
  }
}

TEST(GrainVae, DecoderIsDeterministicForASeed) {
  GrainOptions o = test::tiny_grain_options();
  torch::manual_seed(0);
  GrainVae vae(o);
  vae->eval();
  torch::NoGradGuard no_grad;
  torch::Tensor z = torch::randn({2, 5, o.z_dim});
  torch::Tensor labels = torch::tensor({0, 1});
  at::Generator g1 = make_generator(42), g2 = make_generator(42), g3 = make_generator(43);
  torch::Tensor a = vae->decode(z, labels, g1), b = vae->decode(z, labels, g2);
  torch::Tensor c = vae->decode(z, labels, g3);
  EXPECT_TRUE(torch::equal(a, b));
  EXPECT_FALSE(torch::allclose(a, c));
  EXPECT_EQ(a.size(1), vae->framing().length_for(5));  // any number of grains decodes
}

TEST(GrainVae, EveryParameterReceivesAGradient) {
  for (const Encoder encoder : {Encoder::spectral, Encoder::conv}) {
    GrainOptions o = test::tiny_grain_options();
    o.encoder = encoder;
    o.conv_channels = 8;
    o.conv_stages = 2;
    torch::manual_seed(0);
    GrainVae vae(o);
    at::Generator gen = make_generator(1);
    torch::Tensor x = torch::randn({3, o.event_length()}) * 0.3;
    GrainVaeOutput out = vae->forward(x, torch::tensor({0, 1, 1}), gen);
    torch::Tensor loss = multiscale_spectral_distance(x, out.audio, o.stft_scales, 1.0, 1e-5).total +
                         0.01 * kl_per_grain({out.mu, out.logvar});
    loss.backward();
    for (const auto& p : vae->named_parameters()) {
      ASSERT_TRUE(p.value().grad().defined()) << enum_name(encoder) << " " << p.key();
      EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << enum_name(encoder) << " " << p.key();
    }
  }
}

// The reference windows the zero-phase impulse response of H with a Hann centred on it;
// smooth_magnitudes does the same in the frequency domain.
TEST(NoiseDecoder, SmoothingEqualsHannWindowedImpulseResponse) {
  const int64_t n = 64;
  torch::manual_seed(5);
  torch::Tensor h = torch::rand({3, n / 2 + 1}, torch::kFloat64);
  torch::Tensor ir = torch::fft::irfft(h.to(torch::kComplexDouble), n);  // zero-phase, at 0
  torch::Tensor k = torch::arange(n, torch::kFloat64);
  torch::Tensor centred_hann = 0.5 + 0.5 * torch::cos(2 * M_PI * k / n);  // peak at 0
  torch::Tensor expected = torch::real(torch::fft::rfft(ir * centred_hann));
  EXPECT_TRUE(torch::allclose(smooth_magnitudes(h), expected, 1e-9, 1e-12));
}

TEST(GrainVae, KlIsZeroForThePrior) {
  torch::Tensor zeros = torch::zeros({2, 3, 4});
  EXPECT_NEAR(kl_per_grain({zeros, zeros}).item<double>(), 0.0, 1e-12);
  // mu = 1 in each of 4 dims: 0.5 * 4 = 2 nats per grain
  EXPECT_NEAR(kl_per_grain({torch::ones({2, 3, 4}), zeros}).item<double>(), 2.0, 1e-6);
}

// A tiny model overfits one batch. The decoder shapes random noise, so the distance cannot
// reach zero: its floor is the distance between two decodings that differ only in their
// noise. Before training the model is 40 % or more above that floor; after 300 steps it is within
// 25 % of it, and the loss has fallen by more than 1.5x.
TEST(GrainVae, OverfitsOneBatch) {
  GrainOptions o = test::tiny_grain_options();
  Dataset d = test::tiny_dataset(o, 2);
  torch::Tensor x = torch::from_blob(d.samples.data(), {4, o.event_length()}).clone();
  torch::Tensor labels = torch::tensor({0, 0, 1, 1});
  torch::manual_seed(0);
  GrainVae vae(o);
  auto distance = [&](const torch::Tensor& a, const torch::Tensor& b) {
    return multiscale_spectral_distance(a, b, o.stft_scales, 1.0, 1e-5).total;
  };
  // Distance to the target over the noise floor, with posterior means.
  auto ratio_to_floor = [&] {
    torch::NoGradGuard no_grad;
    Posterior p = vae->encode(x);
    at::Generator g1 = make_generator(100), g2 = make_generator(101);
    torch::Tensor y1 = vae->decode(p.mu, labels, g1), y2 = vae->decode(p.mu, labels, g2);
    return distance(x, y1).item<double>() / distance(y2, y1).item<double>();
  };
  const double before = ratio_to_floor();
  torch::optim::Adam adam(vae->parameters(), torch::optim::AdamOptions(3e-3));
  double first = 0, last = 0;
  for (int step = 0; step < 300; ++step) {
    at::Generator gen = make_generator(step);
    GrainVaeOutput out = vae->forward(x, labels, gen);
    torch::Tensor loss = distance(x, out.audio);
    adam.zero_grad();
    loss.backward();
    adam.step();
    (step == 0 ? first : last) = loss.item<double>();
  }
  const double after = ratio_to_floor();
  EXPECT_LT(last, first / 1.5) << "first " << first << " last " << last;
  EXPECT_GT(before, 1.4) << "before " << before;
  EXPECT_LT(after, 1.25) << "before " << before << " after " << after;
}

// forward() returns the smoothed noise magnitudes that shaped each grain: decoding the same
// z with an impulse for noise gives a grain whose spectrum is exactly that filter.
TEST(GrainVae, ForwardReturnsTheFilterOfEachGrain) {
  GrainOptions o = test::tiny_grain_options();
  torch::manual_seed(4);
  GrainVae vae(o);
  torch::NoGradGuard no_grad;
  at::Generator gen = make_generator(1);
  GrainVaeOutput out = vae->forward(torch::randn({2, o.event_length()}) * 0.2,
                                    torch::tensor({0, 1}), gen);
  ASSERT_EQ(out.filter.sizes(), (std::vector<int64_t>{2, o.n_grains, o.n_bins()}));
  torch::Tensor impulse = torch::zeros({o.n_grains, o.grain});
  impulse.select(1, 0).fill_(1.0);
  const torch::Tensor grains =
      vae->decode_grains(out.z[1], torch::full({o.n_grains}, 1, torch::kLong), 0, impulse);
  EXPECT_TRUE(torch::allclose(torch::fft::rfft(grains).abs(), out.filter[1], 1e-4, 1e-6));
}

// Trained on the filter loss alone, the decoder's filters (for a fixed draw of z) move
// towards the grains' own magnitudes: the distance falls by more than half in 150 steps.
TEST(GrainVae, FilterLossTrainsTheFilterTowardsTheGrains) {
  GrainOptions o = test::tiny_grain_options();
  o.filter_loss_weight = 1.0;
  Dataset d = test::tiny_dataset(o, 2);
  torch::Tensor x = torch::from_blob(d.samples.data(), {4, o.event_length()}).clone();
  torch::Tensor labels = torch::tensor({0, 0, 1, 1});
  torch::manual_seed(0);
  GrainVae vae(o);
  auto filter_distance = [&] {
    torch::NoGradGuard no_grad;
    at::Generator gen = make_generator(7);
    GrainVaeOutput out = vae->forward(x, labels, gen);
    return filter_magnitude_distance(x, vae->framing(), out.filter, 1.0, 1e-5).total.item<double>();
  };
  const double before = filter_distance();
  torch::optim::Adam adam(vae->parameters(), torch::optim::AdamOptions(3e-3));
  for (int step = 0; step < 150; ++step) {
    at::Generator gen = make_generator(step);
    GrainVaeOutput out = vae->forward(x, labels, gen);
    torch::Tensor loss = filter_magnitude_distance(x, vae->framing(), out.filter, 1.0, 1e-5).total;
    adam.zero_grad();
    loss.backward();
    adam.step();
  }
  const double after = filter_distance();
  EXPECT_LT(after, before / 2) << "before " << before << " after " << after;
}

}  // namespace
// The inference decode (direct FIR post-filter, direct overlap-add) equals training's.
TEST(GrainVae, InferenceDecodeMatchesTheDifferentiablePath) {
  torch::manual_seed(2);
  GrainOptions o = test::tiny_grain_options();
  GrainVae vae(o);
  {
    torch::NoGradGuard no_grad;  // a post-filter that is not the identity
    for (auto& p : vae->named_parameters())
      if (p.key().find("post_filter") != std::string::npos) p.value().normal_(0.0, 0.3);
  }
  vae->eval();
  torch::Tensor z = torch::randn({2, 5, o.z_dim});
  at::Generator g1 = make_generator(4), g2 = make_generator(4);
  torch::Tensor reference = vae->decode(z, torch::tensor({0, 1}), g1).detach();
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::allclose(vae->decode(z, torch::tensor({0, 1}), g2), reference, 1e-5, 1e-6));
}

}  // namespace ngsynth
