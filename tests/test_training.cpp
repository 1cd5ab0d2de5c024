#include "ngsynth/train/trainer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "model_test_util.h"
#include "ngsynth/model/device.h"
#include "ngsynth/train/schedule.h"
#include "ngsynth/util/error.h"

#include <nlohmann/json.hpp>
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;

TEST(Schedule, LearningRateDecaysExponentially) {
  TrainOptions t;
  t.lr = 1e-3;
  t.lr_final = 1e-5;
  t.max_steps = 1000;
  EXPECT_DOUBLE_EQ(learning_rate_at(t, 0), 1e-3);
  EXPECT_NEAR(learning_rate_at(t, 500), 1e-4, 1e-12);
  EXPECT_NEAR(learning_rate_at(t, 1000), 1e-5, 1e-15);
}

TEST(Schedule, BetaWarmsUpAfterAHold) {
  TrainOptions t;
  t.max_steps = 1000;
  t.beta_max = 0.003;
  t.beta_start = 0.1;
  t.beta_warmup = 0.5;
  EXPECT_EQ(beta_at(t, 0), 0.0);
  EXPECT_EQ(beta_at(t, 99), 0.0);
  EXPECT_NEAR(beta_at(t, 350), 0.0015, 1e-12);
  EXPECT_NEAR(beta_at(t, 600), 0.003, 1e-12);
  EXPECT_NEAR(beta_at(t, 900), 0.003, 1e-12);
}

TEST(Batcher, BatchesArePureFunctionsOfTheStepAndCoverEachEpoch) {
  GrainOptions o = test::tiny_grain_options();
  Dataset d = test::tiny_dataset(o, 6);
  const auto train = d.indices(Split::train);
  ASSERT_EQ(train.size(), 10u);
  Batcher a(d, train, 5, 11), b(d, train, 5, 11);
  EXPECT_TRUE(torch::equal(a.at_step(5).audio, b.at_step(5).audio));
  EXPECT_TRUE(torch::equal(a.at_step(2).labels, b.at_step(2).labels));
  // One epoch (10 events, 2 steps of 5) sees every training event exactly once.
  std::set<float> firsts;
  for (int s = 0; s < 2; ++s) {
    Batch batch = a.at_step(s);
    for (int i = 0; i < 5; ++i) firsts.insert(batch.audio[i][0].item<float>());
  }
  EXPECT_EQ(firsts.size(), train.size());
}

class TrainerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    set_threads(1);
    grain_ = test::tiny_grain_options();
    train_ = test::tiny_train_options();
    data_ = test::tiny_dataset(grain_);
    save_dataset(data_, data_path());
  }
  fs::path data_path() const { return dir_ / "tiny.ngd"; }
  fs::path run_dir() const { return dir_ / "run"; }

  test::ScratchDir dir_{"trainer"};
  GrainOptions grain_;
  TrainOptions train_;
  Dataset data_;
};

// Save after some steps, go on; a trainer resumed from that checkpoint reproduces the
// following steps' losses exactly.
TEST_F(TrainerTest, ResumeReproducesTheNextLossesExactly) {
  std::vector<double> expected;
  {
    Trainer t(data_, data_path(), run_dir(), grain_, train_, torch::kCPU);
    for (int i = 0; i < 4; ++i) t.step();
    t.save(run_dir() / "checkpoint.ngc");
    for (int i = 0; i < 4; ++i) expected.push_back(t.step().total);
  }
  Trainer resumed = Trainer::resume(data_, data_path(), run_dir(), torch::kCPU, {}, {});
  EXPECT_EQ(resumed.state().step, 4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(resumed.step().total, expected[i]) << "step " << 5 + i;
}

TEST_F(TrainerTest, RunStopsAtMaxStepsAndLeavesCheckpointsAndLog) {
  Trainer t(data_, data_path(), run_dir(), grain_, train_, torch::kCPU);
  TrainSummary s = t.run(nullptr, /*quiet=*/true);
  EXPECT_EQ(s.steps, 40);
  EXPECT_EQ(s.stop_reason, "reached max_steps");
  EXPECT_TRUE(fs::exists(run_dir() / "checkpoint.ngc"));
  EXPECT_TRUE(fs::exists(run_dir() / "best.ngc"));
  EXPECT_TRUE(fs::exists(run_dir() / "options.json"));
  EXPECT_GT(fs::file_size(run_dir() / "training.png"), 1000u);
  std::ifstream log(run_dir() / "log.jsonl");
  int tests = 0;
  for (std::string line; std::getline(log, line);)
    tests += nlohmann::json::parse(line)["kind"] == "test";
  EXPECT_EQ(tests, 4);  // every 10 steps
  EXPECT_EQ(load_checkpoint(run_dir() / "checkpoint.ngc").state.step, 40);
}

// With a learning rate too small to move float32 weights, the test loss never improves,
// and training stops after `patience` evaluations without a new best.
TEST_F(TrainerTest, StopsEarlyWhenTheTestLossStopsImproving) {
  train_.lr = train_.lr_final = 1e-20;
  train_.patience = 2;
  train_.max_steps = 1000;
  Trainer t(data_, data_path(), run_dir(), grain_, train_, torch::kCPU);
  TrainSummary s = t.run(nullptr, true);
  EXPECT_EQ(s.steps, 30);  // best at 10, no improvement at 20 and 30
  EXPECT_NE(s.stop_reason.find("stopped improving"), std::string::npos) << s.stop_reason;
}

TEST_F(TrainerTest, AStopFlagCheckpointsAndStops) {
  std::atomic<bool> stop{true};
  Trainer t(data_, data_path(), run_dir(), grain_, train_, torch::kCPU);
  TrainSummary s = t.run(&stop, true);
  EXPECT_EQ(s.stop_reason, "interrupted");
  EXPECT_TRUE(fs::exists(run_dir() / "checkpoint.ngc"));
}

TEST_F(TrainerTest, RefusesToOverwriteAnExistingRun) {
  { Trainer(data_, data_path(), run_dir(), grain_, train_, torch::kCPU).run(nullptr, true); }
  try {
    Trainer(data_, data_path(), run_dir(), grain_, train_, torch::kCPU);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--resume"), std::string::npos) << e.what();
  }
}

TEST_F(TrainerTest, RejectsADatasetOfAnotherRate) {
  GrainOptions other = grain_;
  other.sample_rate = 16000;
  try {
    Trainer(data_, data_path(), run_dir(), other, train_, torch::kCPU);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tiny.ngd"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ngsynth
