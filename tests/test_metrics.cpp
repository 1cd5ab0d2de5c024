#include "ngsynth/eval/evaluate.h"
#include "ngsynth/eval/metrics.h"

#include <gtest/gtest.h>

#include "model_test_util.h"
#include "ngsynth/synth/autoencode.h"
#include "ngsynth/synth/render.h"
#include "ngsynth/util/error.h"

namespace ngsynth {
namespace {

TEST(Metrics, ZeroForIdenticalAndPositiveOtherwise) {
  GrainOptions o = test::tiny_grain_options();
  torch::manual_seed(2);
  torch::Tensor x = torch::randn({3, o.event_length()});
  ItemMetrics same = item_metrics(x, x, o);
  EXPECT_EQ(same.mss.sizes(), (std::vector<int64_t>{3}));
  EXPECT_EQ(same.mss.abs().max().item<float>(), 0.0f);
  EXPECT_EQ(same.lsd.abs().max().item<float>(), 0.0f);
  ItemMetrics scaled = item_metrics(x, 2 * x, o);
  EXPECT_NEAR(scaled.lsd[1].item<double>(), 6.0206, 1e-3);
}

TEST(Evaluate, ReportsEveryClassOfTheSplit) {
  GrainOptions o = test::tiny_grain_options();
  Dataset d = test::tiny_dataset(o, 8);
  torch::manual_seed(1);
  GrainVae vae(o);
  EvalResult r = evaluate(vae, d.classes, d, Split::test, torch::kCPU);
  ASSERT_EQ(r.classes.size(), 2u);
  EXPECT_EQ(r.overall.count, 4);  // events 3 and 7 of each class
  EXPECT_GT(r.overall.mss, 0);
  EXPECT_GT(r.overall.lsd, 0);
  EXPECT_GT(r.overall.mss_floor, 0);  // two noise seeds never decode identically
  EXPECT_GT(r.to_json()["overall"]["mss_noise_floor"].get<double>(), 0);
  EXPECT_NE(r.table().find("class1"), std::string::npos);
  EXPECT_EQ(r.to_json()["overall"]["count"], 4);
  // Same seed, same numbers.
  EXPECT_EQ(evaluate(vae, d.classes, d, Split::test, torch::kCPU).overall.mss, r.overall.mss);
}

TEST(Evaluate, UnknownDatasetClassIsNamed) {
  try {
    map_classes({"kick", "snare"}, {"kick", "cowbell"}, true);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cowbell"), std::string::npos);
  }
}

TEST(Autoencode, KeepsTheLengthAndPicksAClass) {
  GrainOptions o = test::tiny_grain_options();
  torch::manual_seed(1);
  GrainVae vae(o);
  std::vector<float> x(1000, 0.1f);  // not a whole number of hops
  AutoencodeResult r = autoencode(vae, x, std::nullopt, 5);
  EXPECT_EQ(r.audio.size(), x.size());
  EXPECT_GE(r.label, 0);
  EXPECT_EQ(autoencode(vae, x, 1, 5).label, 1);
  EXPECT_EQ(autoencode(vae, x, 1, 5).audio, autoencode(vae, x, 1, 5).audio);
  EXPECT_THROW(class_index({"kick"}, "snare"), Error);
}

}  // namespace
}  // namespace ngsynth
