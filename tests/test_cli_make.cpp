// `ngsynth make` end to end on a small folder of class subfolders: killed (SIGKILL) and
// interrupted (SIGINT) mid-run, then the same command again finishes a model that
// `sample` plays; a work folder started with other sources is refused, and a model the
// command did not make is never replaced.
#include <gtest/gtest.h>

#include <regex>

#include "ngsynth/model/model_file.h"
#include "ngsynth/util/container.h"
#include "ngsynth/util/version.h"
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;
std::string q(const fs::path& p) { return test::quote(p); }

TEST(CliMake, ResumesAfterAKillAndMakesAPlayableModel) {
  test::ScratchDir dir("cli-make");
  const fs::path kit = test::drumkits_dir() / "HardElectro1", sounds = dir.path() / "sounds";
  const std::map<std::string, std::vector<std::string>> files = {
      {"kick", {"PowR_BD_1.flac", "HardHse_K_02.flac", "HardHse_K_03_B.flac"}},
      {"snare", {"PowR_SN_1.flac", "Clap_1.flac", "Amp_Clap_1.flac"}},
      {"hihat", {"CHH_1.flac", "Hard_CHH_01.flac", "Hard_CHH_02.flac", "PowR_HH_1.flac"}}};
  for (const auto& [cls, names] : files) {
    fs::create_directories(sounds / cls);
    for (const auto& n : names) fs::copy_file(kit / n, sounds / cls / n);
  }
  const fs::path model = dir.path() / "mine.ngs";
  const std::string make =
      test::cli() + " make " + q(sounds) + " -o " + q(model) + " --minutes 0.3 --threads 1 -q" +
      " --no-classifier --set-grain encoder_hidden=32 --set-grain decoder_hidden=32"
      " --set-grain z_dim=8 --set-grain eval_every=3 --set-grain batch_size=4"
      " --set-event hidden=16 --set-event embed_dim=4 --set-event eval_every=3"
      " --set-event batch_size=4";
  // 0.3 minutes: about 13 s of grain training and 4 s of event training.
  auto r = test::run_command("timeout -s KILL 6 " + make);
  EXPECT_EQ(r.exit_code, 137) << r.output;
  EXPECT_FALSE(fs::exists(model));
  r = test::run_command("timeout -s INT --preserve-status 4 " + make);
  EXPECT_EQ(r.exit_code, 130) << r.output;
  EXPECT_NE(r.output.find("make: continuing in"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("run the same command again"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(model));
  r = test::run_command(make);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("make [5/5]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("sounds used: 10 (hihat 4, kick 3, snare 3)"), std::string::npos)
      << r.output;
  const Model m = load_model(model);
  EXPECT_TRUE(m.has_event());
  EXPECT_EQ(m.info.classes, (std::vector<std::string>{"hihat", "kick", "snare"}));
  // The model says what made it: the sources, the code, the command.
  const auto& made = m.info.training.at("made_by");
  EXPECT_EQ(made.at("sources").at(0), fs::absolute(sounds).lexically_normal().string());
  EXPECT_EQ(made.at("ngsynth"), version_text());
  EXPECT_NE(made.at("command").get<std::string>().find("ngsynth make " + sounds.string() + " -o "),
            std::string::npos) << made;
  r = test::run_command(test::cli() + " sample --model " + q(model) + " -n 1 -o " +
                        q(dir.path() / "hits"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const auto& cls : m.info.classes)
    EXPECT_TRUE(fs::exists(dir.path() / "hits" / (cls + "_000.wav"))) << cls;

  // Exact steps, with progress: one line across the stages, with the whole job's time left.
  r = test::run_command(test::cli() + " make " + q(sounds) + " -o " + q(dir.path() / "steps.ngs") +
                        " --grain-steps 2 --event-steps 2 --threads 1 --no-classifier --half" +
                        " --set-grain encoder_hidden=32 --set-grain decoder_hidden=32 --set-grain z_dim=8" +
                        " --set-event hidden=16 --set-event embed_dim=4");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex(R"(\[make 3/5 grain\]  step 1/2 .* \(all: [0-9hms]+\))")))
      << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex(R"(\[make 4/5 event\]  step 1/2 .* \(all: [0-9hms]+\))")))
      << r.output;
  EXPECT_EQ(read_container(dir.path() / "steps.ngs", "NGSMODEL", kModelFormatVersion, "model file")
                .header.at("weights").at("storage"), "float16");

  test::expect_cli_error("make " + q(kit) + " -o " + q(model) + " --minutes 0.3",
                         "was started with other sources or options");
  test::expect_cli_error("make " + q(sounds) + " -o " + q(model) + " --work " +
                             q(dir.path() / "other.make"),
                         "already exists: give another -o");
}

}  // namespace
}  // namespace ngsynth
