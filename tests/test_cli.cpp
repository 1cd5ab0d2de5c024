// The real `ngsynth` program from prepare to reconstruct on real Hydrogen samples, and
// its one-line errors for bad input.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include <torch/torch.h>

#include "ngsynth/audio/audio_file.h"
#include "ngsynth/model/model_file.h"
#include "ngsynth/util/container.h"
#include "ngsynth/util/version.h"
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;

using test::cli;
using test::expect_cli_error;
std::string q(const fs::path& p) { return test::quote(p); }


class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::ScratchDir("cli");
    kit_ = test::drumkits_dir() / "HardElectro1";
    const auto prep = test::run_command(cli() + " prepare " + q(kit_) + " -o " + q(data()));
    ASSERT_EQ(prep.exit_code, 0) << prep.output;
    const auto train = test::run_command(cli() + " train --data " + q(data()) + " -o " +
                                         q(run()) + " --max-steps 6" + test::kTinyGrainArgs);
    ASSERT_EQ(train.exit_code, 0) << train.output;
    const auto exp = test::run_command(cli() + " export " + q(run()) + " -o " + q(model()) +
                                       " --no-classifier");
    ASSERT_EQ(exp.exit_code, 0) << exp.output;
  }
  static void TearDownTestSuite() { delete dir_; }
  static fs::path data() { return dir_->path() / "he.ngd"; }
  static fs::path run() { return dir_->path() / "run"; }
  static fs::path model() { return dir_->path() / "he.ngs"; }
  static fs::path out(const std::string& name) { return dir_->path() / name; }

  static test::ScratchDir* dir_;
  static fs::path kit_;
};
test::ScratchDir* CliTest::dir_ = nullptr;
fs::path CliTest::kit_;

TEST_F(CliTest, TrainExportReconstructEvalOnRealSounds) {
  Model m = load_model(model());
  EXPECT_EQ(m.info.training["steps"], 6);
  EXPECT_EQ(m.info.grain.z_dim, 8);
  EXPECT_FALSE(m.info.classes.empty());

  const fs::path kick = kit_ / "PowR_BD_1.flac";
  const auto r = test::run_command(cli() + " reconstruct --model " + q(model()) + " " + q(kick) +
                                   " -o " + q(out("kick.wav")) + " --format float");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Audio in = read_audio(kick), rec = read_audio(out("kick.wav"));
  EXPECT_EQ(rec.sample_rate, 16000);
  const double expected = double(in.samples.size()) * 16000 / in.sample_rate;
  EXPECT_NEAR(double(rec.samples.size()), expected, 2.0);

  const auto c = test::run_command(cli() + " train --stage classifier --data " + q(data()) +
                                   " -o " + q(out("judge.ngk")) + test::kTinyClassifierArgs);
  ASSERT_EQ(c.exit_code, 0) << c.output;
  EXPECT_NE(c.output.find("test events recognised"), std::string::npos) << c.output;
  const auto e = test::run_command(cli() + " eval --model " + q(model()) + " --data " +
                                   q(data()) + " --classifier " + q(out("judge.ngk")) +
                                   " --json " + q(out("eval.json")));
  ASSERT_EQ(e.exit_code, 0) << e.output;
  EXPECT_NE(e.output.find("lsd (dB)"), std::string::npos) << e.output;
  EXPECT_NE(e.output.find("class fidelity"), std::string::npos) << e.output;
  std::ifstream in_json(out("eval.json"));
  const auto j = nlohmann::json::parse(in_json);
  EXPECT_GT(j["overall"]["count"].get<int>(), 0);
  EXPECT_GT(j["overall"]["lsd_db"].get<double>(), 0.0);
  // A grain-only model: real and resynthesis accuracy, no samples.
  const auto& f = j["fidelity"]["overall"];
  EXPECT_TRUE(f["real_accuracy"].is_number()) << f;
  EXPECT_TRUE(f["resynth_accuracy"].is_number()) << f;
  EXPECT_TRUE(f["sampled_accuracy"].is_null()) << f;
  EXPECT_TRUE(j["classifier"]["test"].contains("accuracy")) << j["classifier"];
  // The classifier file already exists: train refuses to overwrite it.
  expect_cli_error("train --stage classifier --data " + q(data()) + " -o " + q(out("judge.ngk")) +
                       test::kTinyClassifierArgs,
                   "already exists");
}

TEST_F(CliTest, TheModelFileAndVersionNameTheCodeThatWroteThem) {
  const auto v = test::run_command(cli() + " --version");
  ASSERT_EQ(v.exit_code, 0) << v.output;
  EXPECT_NE(v.output.find(version_text()), std::string::npos) << v.output;
  // Built from this git checkout: a real commit, not the fallback.
  EXPECT_EQ(std::string(source_commit()).find("unknown"), std::string::npos) << source_commit();
  EXPECT_GE(std::string(source_commit()).size(), 7u);
  const Container c = read_container(model(), "NGSMODEL", kModelFormatVersion, "model file");
  EXPECT_EQ(c.header.at("written_by"), version_text());
}

TEST_F(CliTest, ResumeContinuesTheRun) {
  const auto r = test::run_command(cli() + " train --data " + q(data()) + " -o " + q(run()) +
                                   " --resume --max-steps 8 --threads 1 -q");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("8 steps"), std::string::npos) << r.output;
}

TEST_F(CliTest, BadInputGetsOneClearLine) {
  expect_cli_error("train --data " + q(out("nothing.ngd")) + " -o " + q(out("r2")),
               "nothing.ngd: no such file");
  expect_cli_error("train --data " + q(data()) + " -o " + q(run()), "--resume");
  expect_cli_error("train --data " + q(data()) + " -o " + q(out("r3")) + " --set no_such=1",
               "no_such");
  expect_cli_error("train --data " + q(data()) + " -o " + q(out("r4")) + " --set grain=1000",
               "grain");
  expect_cli_error("reconstruct --model " + q(data()) + " " + q(kit_ / "PowR_BD_1.flac") + " -o " +
                   q(out("x.wav")),
               "not an ngsynth model file");
  expect_cli_error("reconstruct --model " + q(model()) + " " + q(kit_ / "nope.flac") + " -o " +
                   q(out("x.wav")),
               "nope.flac");
  expect_cli_error("reconstruct --model " + q(model()) + " " + q(kit_ / "PowR_BD_1.flac") +
                   " --class cowbell -o " + q(out("x.wav")),
               "unknown class 'cowbell'");
  expect_cli_error("export " + q(out("empty")) + " -o " + q(out("m.ngs")), "no checkpoint");
  expect_cli_error("eval --model " + q(model()) + " --data " + q(kit_ / "drumkit.xml"),
               "drumkit.xml");
  if (!torch::cuda::is_available())
    expect_cli_error("train --data " + q(data()) + " -o " + q(out("r5")) + " --device cuda",
                 "no CUDA GPU");
  EXPECT_FALSE(fs::exists(out("x.wav")));
}

TEST_F(CliTest, BenchPrintsJson) {
  const auto r = test::run_command(cli() + " bench --preset fast --train-steps 1 --repeats 2 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_GT(j["decode_1s_ms"].get<double>(), 0);
  EXPECT_GT(j["train_step_s"].get<double>(), 0);
  EXPECT_EQ(j["batch_size"], 16);
}

}  // namespace
}  // namespace ngsynth
