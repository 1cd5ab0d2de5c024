// The event-level VAE: shapes, class conditioning, free bits and active dimensions.
#include "ngsynth/model/event_vae.h"

#include <gtest/gtest.h>

#include "ngsynth/model/grain_vae.h"
#include <nlohmann/json.hpp>

#include "ngsynth/util/error.h"

namespace ngsynth {
namespace {

EventOptions small_event(Cell rnn = Cell::gru) {
  EventOptions o;
  o.rnn = rnn;
  o.hidden = 32;
  o.embed_dim = 6;
  return o;
}

TEST(EventVae, EncodesASeriesToOneEmbeddingAndDecodesAnyNumberOfSteps) {
  for (const Cell rnn : {Cell::gru, Cell::lstm}) {
    torch::manual_seed(1);
    EventVae vae(small_event(rnn), /*z_dim=*/8, /*n_steps=*/9, /*n_classes=*/3);
    at::Generator gen = make_generator(2);
    torch::Tensor z = torch::randn({4, 9, 8});
    EventVaeOutput out = vae->forward(z, torch::tensor({0, 1, 2, 0}), gen);
    EXPECT_EQ(out.recon.sizes(), z.sizes()) << enum_name(rnn);
    EXPECT_EQ(out.mu.sizes(), (std::vector<int64_t>{4, 6})) << enum_name(rnn);
    EXPECT_EQ(vae->decode(out.mu, torch::tensor({0, 1, 2, 0}), 25).sizes(),
              (std::vector<int64_t>{4, 25, 8})) << enum_name(rnn);
  }
}

// Class weights that are one-hot decode exactly like class indices; a mix differs.
TEST(EventVae, ClassWeightsMatchOneHotLabels) {
  torch::manual_seed(1);
  EventVae vae(small_event(), 8, 9, 3);
  torch::NoGradGuard no_grad;
  torch::Tensor e = torch::randn({2, 6});
  torch::Tensor w = torch::zeros({2, 3});
  w[0][2] = 1;
  w[1][0] = 1;
  EXPECT_TRUE(torch::equal(vae->decode(e, torch::tensor({2, 0}), 9), vae->decode(e, w, 9)));
  w[0][2] = 0.5;
  w[0][1] = 0.5;
  EXPECT_FALSE(torch::equal(vae->decode(e, torch::tensor({2, 0}), 9), vae->decode(e, w, 9)));
}

TEST(EventVae, LatentStatisticsStandardiseAndComeBack) {
  EventVae vae(small_event(), 3, 4, 0);
  vae->set_latent_stats(torch::tensor({1.0f, -2.0f, 0.0f}), torch::tensor({2.0f, 0.5f, 1.0f}));
  torch::Tensor z = torch::randn({2, 4, 3});
  EXPECT_TRUE(torch::allclose(vae->destandardise(vae->standardise(z)), z, 1e-5, 1e-6));
  torch::Tensor s = vae->standardise(torch::tensor({3.0f, -1.0f, 5.0f}).view({1, 1, 3}));
  EXPECT_TRUE(torch::allclose(s.flatten(), torch::tensor({1.0f, 2.0f, 5.0f})));
}

// Below the free-bits floor a dimension's KL costs nothing (no gradient); above it counts.
TEST(EventVae, FreeBitsLeaveSmallKlWithoutGradient) {
  torch::Tensor mu = torch::zeros({4, 2}, torch::requires_grad());
  torch::Tensor logvar = torch::zeros({4, 2});
  Posterior p{mu * torch::tensor({0.1f, 3.0f}), logvar};
  // per-dimension KL: 0.5 * mu^2 -> 0 at mu = 0 for both; push dim 1 above the floor:
  torch::Tensor kl = free_bits_kl({p.mu + torch::tensor({0.0f, 1.0f}), logvar}, 0.25);
  EXPECT_NEAR(kl.item<double>(), 0.25 + 0.5, 1e-6);  // dim 0 at the floor, dim 1 = 0.5
  kl.backward();
  // d/dmu of dim 0 is zero (clamped); dim 1 has gradient 3 * (0 + 1) / 4 per event.
  EXPECT_EQ(mu.grad().select(1, 0).abs().sum().item<float>(), 0.0f);
  EXPECT_NEAR(mu.grad()[0][1].item<float>(), 0.75f, 1e-6);
  EXPECT_NEAR(kl_per_dimension({torch::ones({3, 2}), torch::zeros({3, 2})}).sum().item<double>(),
              1.0, 1e-6);
}

TEST(EventVae, ActiveDimensionsCountVaryingMeans) {
  torch::Tensor mu = torch::zeros({50, 4});
  mu.select(1, 1).copy_(torch::linspace(-1, 1, 50));   // variance ~0.35: active
  mu.select(1, 3).copy_(torch::linspace(-0.05, 0.05, 50));  // variance ~0.0009: not
  EXPECT_EQ(active_dimensions(mu), 1);
  EXPECT_EQ(active_dimensions(mu, 1e-4), 2);
}

TEST(EventVae, RejectsBadOptions) {
  // A cell that does not exist cannot be written in the struct; in JSON it is an error
  // that names the field and the choices.
  try {
    nlohmann::json{{"rnn", "rnn"}}.get<EventOptions>();
    ADD_FAILURE() << "an unknown cell was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "event option rnn: must be gru or lstm, not \"rnn\"");
  }
  EventOptions o = small_event();
  o.hidden = 0;
  EXPECT_THROW(EventVae(o, 8, 9, 2), std::exception);
}

// Decoding without autograd runs the recurrent net in raw loops; it must agree with
// LibTorch's GRU and LSTM (the training path), also after the weights change.
TEST(EventVae, InferenceDecodeMatchesTheDifferentiablePath) {
  for (const Cell rnn : {Cell::gru, Cell::lstm}) {
    torch::manual_seed(5);
    EventVae vae(small_event(rnn), 8, 9, 3);
    torch::Tensor e = torch::randn({2, 6}) * 2;
    torch::Tensor labels = torch::tensor({2, 0});
    for (int round = 0; round < 2; ++round) {
      torch::Tensor reference = vae->decode(e, labels, 13).detach();
      torch::NoGradGuard no_grad;
      torch::Tensor fast = vae->decode(e, labels, 13);
      EXPECT_TRUE(torch::allclose(fast, reference, 1e-4, 1e-5))
          << enum_name(rnn) << " round " << round << ": max diff " << (fast - reference).abs().max().item<float>();
      for (auto& p : vae->parameters()) p.add_(0.1 * torch::randn_like(p));  // a training step
    }
  }
}

}  // namespace
}  // namespace ngsynth
