// Training killed with SIGKILL at 20 random moments and resumed each time, as a user whose
// machine crashes would: every resume starts (no checkpoint is ever left unreadable, though
// checkpoints are written at almost every step here, so kills land inside writes), and
// the run ends with exactly the weights of an uninterrupted run of the same steps.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "ngsynth/util/container.h"
#include "ngsynth/util/error.h"
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;
using test::cli;
std::string q(const fs::path& p) { return test::quote(p); }

// The weights of a run's latest state, as a model file stores them (named float32 tensors).
std::string exported_weights(const fs::path& run, const fs::path& model) {
  const auto r = test::run_command(cli() + " export " + q(run) + " -o " + q(model) + " --last --no-classifier");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const Container c = read_container(model, "NGSMODEL", 3, "model file");
  return c.blobs.at(0);
}

int count_temporaries(const fs::path& folder) {
  int n = 0;
  for (const auto& f : fs::directory_iterator(folder))
    n += f.path().filename().string().find(".tmp.") != std::string::npos;
  return n;
}

TEST(KillAnytime, TrainingKilledTwentyTimesEndsWithTheWeightsOfAnUninterruptedRun) {
  test::ScratchDir dir("kill-anytime");
  const fs::path data = dir.path() / "he.ngd";
  const auto prep = test::run_command(cli() + " prepare " + q(test::drumkits_dir() / "HardElectro1") +
                                      " -o " + q(data));
  ASSERT_EQ(prep.exit_code, 0) << prep.output;
  // A checkpoint about every 10 ms: at nearly every step.
  const std::string train = cli() + " train --data " + q(data) + " --max-steps 400" +
                            test::kTinyGrainArgs + " --set checkpoint_minutes=0.00017 --set eval_every=50";
  const auto whole = test::run_command(train + " -o " + q(dir.path() / "whole"));
  ASSERT_EQ(whole.exit_code, 0) << whole.output;

  const fs::path run = dir.path() / "killed";
  std::mt19937 rng(20261201);
  std::uniform_real_distribution<double> delay(0.3, 1.5);
  int kills = 0, resumes = 0, inside_writes = 0;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const bool resume = fs::exists(run / "checkpoint.ngc");
    resumes += resume;
    char kill_after[32];
    std::snprintf(kill_after, sizeof kill_after, "%.3f", kills < 20 ? delay(rng) : 600.0);
    // A resumed run keeps its options; only a fresh one is given them.
    const std::string command = resume ? cli() + " train --data " + q(data) + " -o " + q(run) +
                                             " --resume --threads 1 -q"
                                       : train + " -o " + q(run);
    const auto r = test::run_command("timeout -s KILL " + std::string(kill_after) + " " + command);
    if (r.exit_code == 137) {
      ++kills;
      // A temporary file left behind: this kill landed inside a write (of the checkpoint,
      // the log picture or the best state), which must not matter; the resume removes it.
      inside_writes += count_temporaries(fs::exists(run) ? run : dir.path());
      continue;
    }
    ASSERT_EQ(r.exit_code, 0) << "attempt " << attempt << " after " << kills << " kills:\n" << r.output;
    break;
  }
  std::printf("[ %d kills, %d resumes, %d inside a file write ]\n", kills, resumes, inside_writes);
  ASSERT_EQ(kills, 20) << "the run finished before 20 kills: lengthen it";
  EXPECT_EQ(count_temporaries(run), 0) << "a killed run's temporary file outlived the resumes";
  EXPECT_GE(resumes, 15);  // most kills landed after the first checkpoint
  EXPECT_EQ(exported_weights(run, dir.path() / "killed.ngs"),
            exported_weights(dir.path() / "whole", dir.path() / "whole.ngs"));
}

}  // namespace
}  // namespace ngsynth
