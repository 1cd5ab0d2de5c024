#include "ngsynth/train/trainer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "model_test_util.h"
#include "ngsynth/model/device.h"
#include "ngsynth/train/export.h"
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

// With a time budget, the schedule shrinks to the steps the budget allows, so that the
// learning rate decays within it (a 2-second budget cannot hold 10 million steps).
TEST_F(TrainerTest, ScheduleIsFittedToTheTimeBudget) {
  train_.max_steps = 10000000;
  train_.max_minutes = 2.0 / 60;
  train_.eval_every = 1000000;
  Trainer t(data_, data_path(), run_dir(), grain_, train_, torch::kCPU);
  TrainSummary s = t.run(nullptr, true);
  const int64_t fitted = t.state().train.max_steps;
  EXPECT_LT(fitted, 10000000);
  EXPECT_GE(fitted, s.steps);
  std::ifstream log(run_dir() / "log.jsonl");
  int schedule_lines = 0;
  for (std::string line; std::getline(log, line);)
    schedule_lines += nlohmann::json::parse(line)["kind"] == "schedule";
  EXPECT_GE(schedule_lines, 1);
  // Without fitting, the schedule is left as it was.
  train_.fit_schedule = false;
  Trainer u(data_, data_path(), dir_ / "unfitted", grain_, train_, torch::kCPU);
  u.run(nullptr, true);
  EXPECT_EQ(u.state().train.max_steps, 10000000);
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

// The temporal and joint stages start from a grain model trained here.
class EventStageTest : public TrainerTest {
 protected:
  void SetUp() override {
    TrainerTest::SetUp();
    train_.max_steps = 10;
    Trainer(data_, data_path(), dir_ / "grain", grain_, train_, torch::kCPU).run(nullptr, true);
    base_ = export_run(dir_ / "grain", false, std::nullopt).model;
    event_.hidden = 32;
    event_.embed_dim = 4;
    train_.max_steps = 40;
    train_.lr = 3e-3;
  }
  Trainer temporal(const fs::path& run) {
    return Trainer(data_, data_path(), run, Stage::temporal, base_, dir_ / "grain.ngs", event_,
                   train_, torch::kCPU);
  }
  Model base_;
  EventOptions event_;
};

TEST_F(EventStageTest, TemporalStageLearnsTheLatentSeriesWithTheGrainVaeFrozen) {
  train_.max_steps = 1000;  // a constant learning rate over the steps below
  train_.lr_final = train_.lr;
  Trainer t = temporal(run_dir());
  const auto grain_before = module_bytes(*t.model());
  auto mean_recon = [&](int steps) {
    double sum = 0;
    for (int i = 0; i < steps; ++i) sum += t.step().recon;
    return sum / steps;
  };
  const double first = mean_recon(5);
  for (int i = 0; i < 60; ++i) t.step();
  EXPECT_LT(mean_recon(5), first * 0.7);  // the training events' latent MSE falls
  EXPECT_EQ(module_bytes(*t.model()), grain_before);  // frozen
  EXPECT_EQ(t.trainable_parameters(), count_parameters(*t.event_model()));
}

TEST_F(EventStageTest, TemporalRunLogsKlPerEventAndActiveDimensions) {
  TrainSummary s = temporal(run_dir()).run(nullptr, true);
  EXPECT_EQ(s.steps, 40);
  std::ifstream log(run_dir() / "log.jsonl");
  int tests = 0;
  for (std::string line; std::getline(log, line);) {
    auto j = nlohmann::json::parse(line);
    if (j["kind"] != "test") continue;
    ++tests;
    EXPECT_GE(j["kl_per_event"].get<double>(), 0.0);
    EXPECT_GE(j["active_dims"].get<int>(), 0);
    EXPECT_LE(j["active_dims"].get<int>(), 4);
    EXPECT_TRUE(j.contains("latent_mse"));
  }
  EXPECT_EQ(tests, 4);
  Model m = export_run(run_dir(), false, std::nullopt).model;
  ASSERT_TRUE(m.has_event());
  EXPECT_EQ(m.info.training["stage"], "temporal");
}

TEST_F(EventStageTest, TestEvaluationsJudgeSampledEventsWithTheClassifier) {
  Trainer t = temporal(run_dir());
  t.set_judge(train_classifier(data_, test::tiny_classifier_options(10)), 3);
  t.run(nullptr, true);
  std::ifstream log(run_dir() / "log.jsonl");
  int judged = 0;
  for (std::string line; std::getline(log, line);) {
    auto j = nlohmann::json::parse(line);
    if (j["kind"] != "test") continue;
    ASSERT_TRUE(j["sampled_accuracy"].is_number()) << j;
    EXPECT_GE(j["sampled_accuracy"].get<double>(), 0.0);
    EXPECT_LE(j["sampled_accuracy"].get<double>(), 1.0);
    EXPECT_EQ(j["sampled_accuracy_per_class"].size(), 2u);
    ++judged;
  }
  EXPECT_EQ(judged, 4);
  EXPECT_TRUE(t.event_model()->is_training());  // judging leaves the training mode alone
}

TEST_F(EventStageTest, TemporalResumeReproducesTheNextLossesExactly) {
  std::vector<double> expected;
  {
    Trainer t = temporal(run_dir());
    for (int i = 0; i < 3; ++i) t.step();
    t.save(run_dir() / "checkpoint.ngc");
    for (int i = 0; i < 3; ++i) expected.push_back(t.step().total);
  }
  Trainer resumed = Trainer::resume(data_, data_path(), run_dir(), torch::kCPU, {}, {});
  EXPECT_EQ(resumed.state().stage, Stage::temporal);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(resumed.step().total, expected[i]) << "step " << 4 + i;
}

// Joint fine-tuning changes both levels and needs a model with an event level.
TEST_F(EventStageTest, JointStageTrainsBothLevels) {
  EXPECT_THROW(Trainer(data_, data_path(), dir_ / "j0", Stage::joint, base_, dir_ / "grain.ngs",
                       event_, train_, torch::kCPU),
               Error);
  train_.max_steps = 5;
  temporal(run_dir()).run(nullptr, true);
  Model two_levels = export_run(run_dir(), false, std::nullopt).model;
  Trainer j(data_, data_path(), dir_ / "joint", Stage::joint, two_levels, dir_ / "two.ngs", event_,
            train_, torch::kCPU);
  const auto grain_before = module_bytes(*j.model());
  const auto event_before = module_bytes(*j.event_model());
  TrainSummary s = j.run(nullptr, true);
  EXPECT_EQ(s.steps, 5);
  EXPECT_NE(module_bytes(*j.model()), grain_before);
  EXPECT_NE(module_bytes(*j.event_model()), event_before);
  EXPECT_EQ(export_run(dir_ / "joint", true, std::nullopt).model.info.training["stage"], "joint");
}

}  // namespace
}  // namespace ngsynth
