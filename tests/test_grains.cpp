#include "ngsynth/model/grains.h"

#include <gtest/gtest.h>

namespace ngsynth {
namespace {

TEST(GrainFraming, LengthsAndCounts) {
  GrainFraming f(1024, 256, true);
  EXPECT_EQ(f.length_for(41), 11264);
  EXPECT_EQ(f.grains_for(11264), 41);
  EXPECT_EQ(f.grains_for(11265), 42);  // rounds up to cover every sample
  EXPECT_EQ(f.grains_for(10), 1);
}

TEST(GrainFraming, SliceIsWindowedStridedView) {
  GrainFraming f(8, 2, false);
  torch::Tensor x = torch::arange(14, torch::kFloat32).unsqueeze(0);
  torch::Tensor g = f.slice(x);
  ASSERT_EQ(g.sizes(), (std::vector<int64_t>{1, 4, 8}));
  torch::Tensor hann = torch::hann_window(8);
  // grain k starts at k * hop
  EXPECT_TRUE(torch::allclose(g[0][2], x[0].narrow(0, 4, 8) * hann));
}

// Sliced grains overlap-added and divided by the window sum give back the input exactly,
// everywhere for flat edges, and wherever the window sum is non-zero otherwise.
TEST(GrainFraming, OverlapAddOfSlicesReproducesInput) {
  for (bool flat : {true, false}) {
    GrainFraming f(1024, 256, flat);
    torch::manual_seed(0);
    torch::Tensor x = torch::randn({3, f.length_for(41)});
    torch::Tensor y = f.overlap_add_windowed(f.slice(x));
    const int64_t skip = flat ? 0 : 1;  // Hann is 0 at sample 0 without flat edges
    EXPECT_LT((y - x).narrow(1, skip, x.size(1) - 2 * skip).abs().max().item<float>(), 1e-5)
        << "flat_edges=" << flat;
  }
}

// Identical grains give a constant output from the first sample to the last: the gain does
// not drift at the ends as it does with a normalisation by the overlap count.
TEST(GrainFraming, ConstantGainToTheEnds) {
  GrainFraming f(512, 128, true);
  torch::Tensor y = f.overlap_add(torch::ones({1, 20, 512}));
  EXPECT_LT((y - 1.0).abs().max().item<float>(), 1e-6);
}

TEST(GrainFraming, WindowSumIsTwoInsideForHannAtQuarterHop) {
  GrainFraming f(1024, 256, true);
  torch::Tensor s = f.window_sum(41);
  EXPECT_LT((s.narrow(0, 1024, 8000) - 2.0).abs().max().item<float>(), 1e-5);
  EXPECT_GT(s.min().item<float>(), 0.99);  // flat edges: never near zero
}

}  // namespace
// Synthesis without autograd takes a direct loop; it must agree with the differentiable path.
TEST(GrainFraming, InferenceOverlapAddMatchesTheDifferentiablePath) {
  for (bool flat : {true, false}) {
    GrainFraming f(256, 64, flat);
    torch::Tensor g = torch::randn({2, 7, 256});
    torch::Tensor reference = f.overlap_add(g);
    torch::NoGradGuard no_grad;
    EXPECT_TRUE(torch::allclose(f.overlap_add(g), reference, 1e-5, 1e-6)) << flat;
  }
}

}  // namespace ngsynth
