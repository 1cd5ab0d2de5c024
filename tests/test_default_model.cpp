// The bundled default model (models/drums.ngs): small, torch-free to play, made by the
// command that scripts/make-default-model.sh runs, and every class plays a real hit.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ngsynth/runtime/instrument.h"
#include "ngsynth/runtime/model.h"
#include "ngsynth/util/container.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;

const fs::path kModel = fs::path(NGSYNTH_SOURCE_DIR) / "models" / "drums.ngs";

TEST(DefaultModel, IsSmallAndSaysHowItWasMade) {
  ASSERT_TRUE(fs::exists(kModel));
  EXPECT_LT(fs::file_size(kModel), 8u << 20);
  const Container c = read_container(kModel, rt::kModelMagic, rt::kModelFormatVersion, "model file");
  EXPECT_EQ(c.header.at("weights").at("storage"), "float16");
  const auto& made = c.header.at("training").at("made_by");
  EXPECT_EQ(made.at("preset"), "fast");
  EXPECT_EQ(made.at("sources").size(), 14u);
  for (const auto& s : made.at("sources"))
    EXPECT_EQ(s.get<std::string>().rfind("/usr/share/hydrogen/data/drumkits/", 0), 0u) << s;
  EXPECT_NE(made.at("ngsynth").get<std::string>().find("commit "), std::string::npos);
  EXPECT_EQ(made.at("budget").at("grain_steps"), 12000);
  EXPECT_EQ(made.at("budget").at("event_steps"), 2500);
  // The script's exact options are the ones the model was made with.
  std::ifstream script(fs::path(NGSYNTH_SOURCE_DIR) / "scripts" / "make-default-model.sh");
  std::stringstream text;
  text << script.rdbuf();
  const std::string s = text.str(), from = "-o \"$out/drums.ngs\" ";
  const auto at = s.find(from);
  ASSERT_NE(at, std::string::npos);
  const std::string options = s.substr(at + from.size(), s.find('\n', at) - at - from.size());
  EXPECT_NE(made.at("command").get<std::string>().find("-o drums.ngs " + options), std::string::npos)
      << made.at("command") << "\n" << options;
  const std::string seed_flag = "--seed ";
  const auto seed_at = options.find(seed_flag);
  ASSERT_NE(seed_at, std::string::npos) << options;
  EXPECT_EQ(made.at("seed"), std::stoi(options.substr(seed_at + seed_flag.size()))) << options;
}

TEST(DefaultModel, EveryClassPlaysAHitWithoutLibTorch) {
  const auto model = rt::load_model(kModel);
  ASSERT_TRUE(model->has_event());
  ASSERT_TRUE(model->has_map());
  EXPECT_EQ(model->classes().size(), 8u);
  rt::Instrument play(model);
  for (int c = 0; c < model->n_classes(); ++c) {
    const auto hit = play.sample_event(c, 3, 1.0f);
    ASSERT_EQ(static_cast<int64_t>(hit.size()), model->grain().event_length());
    double energy = 0, peak = 0;
    for (float x : hit) {
      ASSERT_TRUE(std::isfinite(x));
      energy += double(x) * x;
      peak = std::max(peak, double(std::fabs(x)));
    }
    const double rms_db = 10 * std::log10(energy / hit.size() + 1e-30);
    EXPECT_GT(rms_db, -45) << model->classes()[c];  // a hit, not near-silence
    EXPECT_LE(peak, 1.0) << model->classes()[c];
    EXPECT_EQ(play.sample_event(c, 3, 1.0f), hit) << model->classes()[c];  // same seed, same hit
    EXPECT_NE(play.sample_event(c, 4, 1.0f), hit) << model->classes()[c];  // they vary
  }
}

}  // namespace
}  // namespace ngsynth
