#include "ngsynth/model/model_file.h"

#include <gtest/gtest.h>

#include "model_test_util.h"
#include "ngsynth/model/latent_map_fit.h"
#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/container.h"
#include "ngsynth/util/error.h"
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;

class ModelFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::manual_seed(4);
    vae_ = GrainVae(test::tiny_grain_options());
    Model m;
    m.info.grain = vae_->options();
    m.info.classes = {"kick", "snare"};
    m.info.training = {{"steps", 12}};
    m.vae = vae_;
    save_model(path(), m);
  }
  fs::path path() const { return dir_ / "m.ngs"; }
  std::string error_loading(const fs::path& p) {
    try {
      load_model(p);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }

  test::ScratchDir dir_{"model-file"};
  GrainVae vae_{nullptr};
};

TEST_F(ModelFileTest, RoundTripDecodesTheSame) {
  Model m = load_model(path());
  EXPECT_EQ(m.info.classes, (std::vector<std::string>{"kick", "snare"}));
  EXPECT_EQ(m.info.grain.grain, 256);
  EXPECT_EQ(m.info.training["steps"], 12);
  vae_->eval();
  torch::NoGradGuard no_grad;
  torch::Tensor z = torch::randn({1, 6, m.info.grain.z_dim});
  at::Generator g1 = make_generator(3), g2 = make_generator(3);
  EXPECT_TRUE(torch::equal(vae_->decode(z, torch::tensor({1}), g1),
                           m.vae->decode(z, torch::tensor({1}), g2)));
}

// The event level and the latent map travel in the same file and come back identical.
TEST_F(ModelFileTest, EventLevelAndLatentMapRoundTrip) {
  Model m;
  m.info.grain = vae_->options();
  m.info.classes = {"kick", "snare"};
  m.vae = vae_;
  EventOptions eo;
  eo.hidden = 16;
  eo.embed_dim = 4;
  eo.rnn = Cell::lstm;
  m.info.event = eo;
  m.event = make_event_vae(eo, m.info.grain);
  m.event->set_latent_stats(torch::full({8}, 0.5), torch::full({8}, 2.0));
  std::vector<float> latents(40 * 8);
  for (std::size_t i = 0; i < latents.size(); ++i) latents[i] = std::sin(0.37f * i) * (i % 8);
  m.info.map = fit_latent_map(latents.data(), 40, 8, std::vector<int>(40, 1), 100, 3);
  save_model(dir_ / "full.ngs", m);

  Model back = load_model(dir_ / "full.ngs");
  ASSERT_TRUE(back.has_event());
  EXPECT_EQ(back.event->options().rnn, Cell::lstm);
  EXPECT_EQ(back.info.map.n_points(), 40u);
  EXPECT_EQ(back.info.map.xy, m.info.map.xy);
  EXPECT_EQ(back.info.map.basis, m.info.map.basis);
  torch::NoGradGuard no_grad;
  torch::Tensor e = torch::randn({2, 4});
  m.event->eval();
  EXPECT_TRUE(torch::equal(m.event->decode(e, torch::tensor({0, 1}), 5),
                           back.event->decode(e, torch::tensor({0, 1}), 5)));
}

TEST_F(ModelFileTest, AGrainOnlyModelSaysHowToGetAnEventLevel) {
  Model m = load_model(path());
  EXPECT_FALSE(m.has_event());
  try {
    m.require_event();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--stage temporal"), std::string::npos) << e.what();
  }
  EXPECT_THROW(m.require_map(), Error);
}

TEST_F(ModelFileTest, TruncatedFileIsNamed) {
  std::string bytes = read_file(path());
  write_file_atomically(dir_ / "cut.ngs", bytes.substr(0, bytes.size() / 2));
  const std::string e = error_loading(dir_ / "cut.ngs");
  EXPECT_NE(e.find("cut.ngs"), std::string::npos) << e;
  EXPECT_NE(e.find("truncated"), std::string::npos) << e;
}

TEST_F(ModelFileTest, FlippedByteIsCorrupt) {
  std::string bytes = read_file(path());
  bytes[bytes.size() / 2] ^= 0x5a;
  write_file_atomically(dir_ / "flip.ngs", bytes);
  EXPECT_NE(error_loading(dir_ / "flip.ngs").find("corrupt"), std::string::npos);
}

TEST_F(ModelFileTest, ForeignFileIsNotAModel) {
  write_file_atomically(dir_ / "song.wav", "RIFF....WAVEfmt nothing to see");
  EXPECT_NE(error_loading(dir_ / "song.wav").find("not an ngsynth model file"), std::string::npos);
  EXPECT_NE(error_loading(dir_ / "missing.ngs").find("no such file"), std::string::npos);
}

TEST_F(ModelFileTest, OtherVersionIsRefusedWithBothVersions) {
  write_container(dir_ / "v9.ngs", "NGSMODEL", 9, Container{{{"x", 1}}, {}});
  const std::string e = error_loading(dir_ / "v9.ngs");
  EXPECT_NE(e.find("version 9"), std::string::npos) << e;
  EXPECT_NE(e.find("version " + std::to_string(kModelFormatVersion)), std::string::npos) << e;
}

TEST_F(ModelFileTest, WeightsOfOtherOptionsAreRefused) {
  Container c = read_container(path(), "NGSMODEL", kModelFormatVersion, "model file");
  c.header["options"]["z_dim"] = 9;  // weights were made for z_dim 8
  write_container(dir_ / "mismatch.ngs", "NGSMODEL", kModelFormatVersion, c);
  EXPECT_NE(error_loading(dir_ / "mismatch.ngs").find("do not match"), std::string::npos);
}

}  // namespace
}  // namespace ngsynth
