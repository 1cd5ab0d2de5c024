// The synthesis runtime against the LibTorch path, for the same latents and noise: grain
// decoding (one class and mixed classes), the event decoder (GRU and LSTM, both through
// LibTorch's own modules with autograd and through the inference kernels), and grain
// streams, within 1e-5 of the largest reference sample, for the fast and paper presets
// and the tonal one (the fast preset with the tonal bank), and the fast one with FiLM (untrained weights, perturbed so that every LayerNorm and the post-filter matter); and
// the model file's runtime weights: written by save_model, read without LibTorch, the same
// sound as the model's; a version-1 file still plays through LibTorch and is a clear error
// for the torch-free loader.
#include <gtest/gtest.h>

#include "ngsynth/model/model_file.h"
#include "ngsynth/model/runtime_weights.h"
#include "ngsynth/runtime/grain_encoder.h"
#include "ngsynth/runtime/grain_stream.h"
#include "ngsynth/runtime/instrument.h"
#include "ngsynth/runtime/noise.h"
#include "ngsynth/synth/event.h"
#include "ngsynth/synth/grain_stream.h"
#include "ngsynth/synth/model_instrument.h"
#include "ngsynth/synth/render.h"
#include "ngsynth/util/container.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"
#include "test_support.h"
#include "trained_model.h"

namespace ngsynth {
namespace {

// max |a - b| / max |reference|.
double relative_error(const float* a, const float* ref, int64_t n) {
  double worst = 0, peak = 0;
  for (int64_t i = 0; i < n; ++i) {
    worst = std::max(worst, double(std::abs(a[i] - ref[i])));
    peak = std::max(peak, double(std::abs(ref[i])));
  }
  EXPECT_GT(peak, 0.0);
  return worst / peak;
}

void perturb(torch::nn::Module& m, uint64_t seed) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(seed);
  for (auto& p : m.parameters()) p.add_(torch::randn_like(p) * 0.05);
}

// The noise of grains 0..n-1 of a render seeded `seed`, as the runtime draws it.
torch::Tensor runtime_noise(uint64_t seed, int64_t n, int64_t grain) {
  torch::Tensor noise = torch::empty({n, grain});
  for (int64_t j = 0; j < n; ++j)
    rt::uniform_noise(seed, j, noise.data_ptr<float>() + j * grain, grain);
  return noise;
}

class RuntimeParity : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    torch::manual_seed(1);
    // "film": the fast preset with the class scaling and shifting every decoder layer.
    preset_ = make_preset(GetParam() == "film" ? "fast" : GetParam());
    preset_.grain.class_film = GetParam() == "film";
    preset_.grain.n_classes = 3;
    vae_ = GrainVae(preset_.grain);
    perturb(*vae_, 2);
    if (preset_.grain.class_film) {  // FiLM starts at zero: make every class's gamma and beta show
      torch::NoGradGuard no_grad;
      bool found = false;
      for (auto& p : vae_->named_parameters())
        if (p.key() == "decoder.film.weight") p.value().add_(torch::randn_like(p.value()) * 0.5), found = true;
      EXPECT_TRUE(found);
    }
    if (preset_.grain.tonal) {  // tones as loud as the noise, so that the bank's part shows
      torch::NoGradGuard no_grad;
      const int64_t bins = preset_.grain.n_bins();
      for (auto& p : vae_->named_parameters())
        if (p.key().rfind("decoder.", 0) == 0 && p.value().dim() == 1 && p.value().size(0) == 2 * bins)
          p.value().narrow(0, bins, bins).add_(3.0);
    }
    vae_->eval();
    event_ = make_event_vae(preset_.event, preset_.grain);
    perturb(*event_, 3);
    event_->set_latent_stats(torch::randn({preset_.grain.z_dim}) * 0.1,
                             torch::rand({preset_.grain.z_dim}) + 0.5);
    event_->eval();
  }
  Preset preset_;
  GrainVae vae_{nullptr};
  EventVae event_{nullptr};
};

TEST_P(RuntimeParity, GrainDecodingMatchesLibTorch) {
  const GrainOptions& g = preset_.grain;
  const int64_t n = 12;
  torch::Tensor z = torch::randn({1, n, g.z_dim});
  const rt::GrainDecoder& decoder = vae_->runtime_decoder();
  for (const torch::Tensor& classes : {class_label(2), class_mix(3, 0, 1, 0.3)}) {
    const std::vector<float> w = class_weights(g, classes);
    const std::vector<float> y = decoder.render(z.data_ptr<float>(), n, w.data(), 9,
                                                vae_->framing().length_for(n));
    for (bool autograd : {false, true}) {
      torch::AutoGradMode mode(autograd);  // with autograd: fold and Conv1d, LibTorch's own
      const torch::Tensor ref =
          vae_->decode(z, classes, runtime_noise(9, n, g.grain)).detach().contiguous();
      ASSERT_EQ(ref.numel(), static_cast<int64_t>(y.size()));
      EXPECT_LE(relative_error(y.data(), ref.data_ptr<float>(), ref.numel()), 1e-5)
          << (autograd ? "autograd path" : "inference path");
    }
  }
}

TEST_P(RuntimeParity, EventDecodingMatchesLibTorch) {
  const GrainOptions& g = preset_.grain;
  torch::Tensor e = torch::randn({1, preset_.event.embed_dim});
  const rt::EventDecoder& decoder = event_->runtime_decoder();
  for (const torch::Tensor& classes : {class_label(1), class_mix(3, 2, 0, 0.6)}) {
    const std::vector<float> w = class_weights(g, classes);
    const std::vector<float> y = decoder.decode(e.data_ptr<float>(), w.data(), g.n_grains);
    for (bool autograd : {false, true}) {
      torch::AutoGradMode mode(autograd);  // with autograd: LibTorch's GRU/LSTM module
      const torch::Tensor ref = event_->decode(e, classes, g.n_grains).detach().contiguous();
      ASSERT_EQ(ref.numel(), static_cast<int64_t>(y.size()));
      EXPECT_LE(relative_error(y.data(), ref.data_ptr<float>(), ref.numel()), 1e-5)
          << (autograd ? "autograd path" : "inference path");
    }
  }
}

TEST_P(RuntimeParity, GrainStreamsMatchLibTorch) {
  const GrainOptions& g = preset_.grain;
  GrainStream reference(vae_, 5);
  rt::GrainStream stream(vae_->runtime_decoder(), 5);
  std::vector<float> a(g.hop), b(g.hop), ya, yb;
  const std::vector<float> w = class_weights(g, class_label(0));
  torch::Tensor path = torch::randn({16, g.z_dim});
  for (int k = 0; k < 16; ++k) {
    reference.next(path[k].contiguous().data_ptr<float>(), class_label(0), a.data());
    stream.next(path[k].contiguous().data_ptr<float>(), w.data(), b.data());
    ya.insert(ya.end(), a.begin(), a.end());
    yb.insert(yb.end(), b.begin(), b.end());
  }
  EXPECT_LE(relative_error(yb.data(), ya.data(), static_cast<int64_t>(ya.size())), 1e-5);
}

TEST_P(RuntimeParity, SpectralEncoderMatchesLibTorch) {
  const GrainOptions& g = preset_.grain;
  if (g.encoder != Encoder::spectral) GTEST_SKIP() << "the paper preset encodes on LibTorch";
  const rt::GrainEncoder encoder(g, grain_runtime_weights(*vae_));
  torch::Tensor x = torch::randn({3 * g.hop + g.grain + 17}) * torch::linspace(1, 0, 3 * g.hop + g.grain + 17);
  const std::vector<float> audio(x.data_ptr<float>(), x.data_ptr<float>() + x.numel());
  const std::vector<float> mu = encoder.encode(audio);
  const torch::Tensor ref = encode_sound(vae_, audio).contiguous();
  ASSERT_EQ(ref.numel(), static_cast<int64_t>(mu.size()));
  EXPECT_LE(relative_error(mu.data(), ref.data_ptr<float>(), ref.numel()), 1e-5);
}

TEST_P(RuntimeParity, HalfPrecisionRecurrentWeightsChangeEventsLittle) {
  const GrainOptions& g = preset_.grain;
  const rt::EventDecoder half(preset_.event, g.z_dim, g.n_classes, event_runtime_weights(*event_),
                              rt::Precision::half);
  torch::Tensor e = torch::randn({1, preset_.event.embed_dim});
  const std::vector<float> w = class_weights(g, class_label(1));
  const auto y = half.decode(e.data_ptr<float>(), w.data(), g.n_grains);
  const auto ref = event_->runtime_decoder().decode(e.data_ptr<float>(), w.data(), g.n_grains);
  const double err = relative_error(y.data(), ref.data(), static_cast<int64_t>(y.size()));
  EXPECT_LE(err, 1e-2);
  EXPECT_GT(err, 0.0);  // the half weights are really used
  std::printf("[ half-precision recurrent weights: latent series within %.2e ]\n", err);
}

TEST(ClassFilm, TheClassScalesAndShiftsTheDecoder) {
  // Parity alone would pass if both paths ignored FiLM: its weights must change the sound.
  torch::manual_seed(4);
  GrainOptions g = make_preset("fast").grain;
  g.class_film = true;
  g.n_classes = 3;
  GrainVae vae(g);
  vae->eval();
  const int64_t n = 6;
  const torch::Tensor z = torch::randn({1, n, g.z_dim});
  auto decode = [&] { return vae->decode(z, class_label(1), runtime_noise(3, n, g.grain)).clone(); };
  const torch::Tensor plain = decode();  // zero at the start: the plain decoder
  torch::Tensor w = vae->named_parameters()["decoder.film.weight"];  // shares the storage
  EXPECT_EQ(w.abs().max().item<float>(), 0.0f);
  {
    torch::NoGradGuard no_grad;
    w.select(1, 1).fill_(0.5);  // class 1's gamma and beta
  }
  const torch::Tensor filmed = decode();
  EXPECT_GT((filmed - plain).abs().max().item<float>(), 1e-3 * plain.abs().max().item<float>());
  {
    torch::NoGradGuard no_grad;
    w.select(1, 1).zero_();
    w.select(1, 0).fill_(0.5);  // another class's: class 1 decodes as before
  }
  EXPECT_TRUE(torch::allclose(decode(), plain));
}

INSTANTIATE_TEST_SUITE_P(Presets, RuntimeParity, ::testing::Values("fast", "paper", "tonal", "film"));

class RuntimeModelFile : public ::testing::Test {
 protected:
  void SetUp() override { model_ = test::train_tiny_model(dir_.path(), data_); }
  test::ScratchDir dir_{"runtime-model"};
  Dataset data_;
  Model model_;
};

TEST_F(RuntimeModelFile, ExportedRuntimeWeightsPlayTheModelWithoutLibTorch) {
  const auto path = dir_ / "m.ngs";
  save_model(path, model_);
  Model loaded = load_model(path);
  const auto runtime = rt::load_model(path);
  ASSERT_TRUE(runtime->has_event());
  EXPECT_EQ(runtime->classes(), model_.info.classes);
  rt::Instrument from_file(runtime);
  ModelInstrument from_modules(loaded);
  for (int c = 0; c < 2; ++c) {
    const auto y = from_file.sample_event(c, 11, 1.0f);
    EXPECT_EQ(y, from_modules.sample_event(c, 11, 1.0f));
    // `ngsynth sample` (synth/event) renders what the instrument plays.
    EXPECT_EQ(sample_events(loaded, c, 2, 1.0, 11)[1],
              from_file.sample_event(c, mix_seed(11, 1), 1.0f));
    std::vector<float> rendered = render_event(loaded, sample_embedding(loaded, c, 1.0, 11), class_label(c), 11);
    loaded.info.prior.match_class(c, rendered, loaded.info.grain.sample_rate);  // a sampled hit: matched
    EXPECT_EQ(rendered, y);
  }
  EXPECT_EQ(from_file.sample_path(1, 2000, 4), from_modules.sample_path(1, 2000, 4));
  EXPECT_EQ(from_file.xy_event(0, 0.3f, -0.2f, 900, 4), from_modules.xy_event(0, 0.3f, -0.2f, 900, 4));
  EXPECT_EQ(from_file.morph_event(0, 1, 0.4f, 4), from_modules.morph_event(0, 1, 0.4f, 4));
}

// The layouts before format 3, written here as those versions wrote them: LibTorch
// archives of both levels, map, prior, classifier, and (2) the runtime weights.
Container older_layout(const std::filesystem::path& v3, Model& m, uint32_t version) {
  Container c = read_container(v3, "NGSMODEL", kModelFormatVersion, "model file");
  c.header.erase("weights");
  c.header["format_version"] = version;
  std::vector<std::string> blobs = {module_bytes(*m.vae), module_bytes(*m.event), c.blobs[1],
                                    c.blobs[2], c.blobs[3]};
  if (version == 2) {
    c.header["runtime_weights"] = {{"blob", 5}, {"tensors", runtime_weights(m).size()}};
    blobs.push_back(rt::tensor_set_bytes(runtime_weights(m)));
  }
  c.blobs = blobs;
  return c;
}

TEST_F(RuntimeModelFile, FilesOfFormatsOneAndTwoStillPlayAndFormatOneIsAClearErrorWithoutLibTorch) {
  const auto path = dir_ / "m.ngs", v1 = dir_ / "v1.ngs", v2 = dir_ / "v2.ngs";
  save_model(path, model_);
  write_container(v1, "NGSMODEL", 1, older_layout(path, model_, 1));
  write_container(v2, "NGSMODEL", 2, older_layout(path, model_, 2));
  const auto expected = rt::Instrument(rt::load_model(path)).sample_event(0, 3, 1.0f);
  for (const auto& old : {v1, v2}) {
    Model m = load_model(old);
    EXPECT_EQ(ModelInstrument(m).sample_event(0, 3, 1.0f), expected) << old;
    EXPECT_EQ(m.classifier.empty(), model_.classifier.empty());
    EXPECT_EQ(m.info.map.n_points(), model_.info.map.n_points());
  }
  EXPECT_EQ(rt::Instrument(rt::load_model(v2)).sample_event(0, 3, 1.0f), expected);
  try {
    rt::load_model(v1);
    FAIL() << "a file without runtime weights loaded";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(v1.string()), std::string::npos) << what;
    EXPECT_NE(what.find("export it again"), std::string::npos) << what;
  }
  Container next = read_container(path, "NGSMODEL", kModelFormatVersion, "model file");
  write_container(v1, "NGSMODEL", kModelFormatVersion + 1, next);
  EXPECT_THROW(load_model(v1), Error);
  EXPECT_THROW(rt::load_model(v1), Error);
}

TEST_F(RuntimeModelFile, Float16StorageHalvesTheFileAndLibTorchAndTheRuntimePlayTheSameWeights) {
  const auto full = dir_ / "full.ngs", half = dir_ / "half.ngs";
  save_model(full, model_);
  save_model(half, model_, rt::Storage::float16);
  const Container cf = read_container(full, "NGSMODEL", kModelFormatVersion, "model file");
  const Container ch = read_container(half, "NGSMODEL", kModelFormatVersion, "model file");
  EXPECT_EQ(ch.header.at("weights").at("storage"), "float16");
  std::size_t values = 0;
  const rt::TensorSet weights = all_weights(model_);  // not in the loop: a temporary's member
  for (const auto& t : weights.tensors()) values += t.data.size();  // would dangle (ASan)
  EXPECT_GE(values, static_cast<std::size_t>(count_parameters(*model_.vae) + count_parameters(*model_.event)));
  EXPECT_EQ(cf.blobs[0].size() - ch.blobs[0].size(), 2 * values);
  Model from_half = load_model(half);
  const auto runtime = rt::load_model(half);
  for (int c = 0; c < 2; ++c) {
    const auto y = rt::Instrument(runtime).sample_event(c, 5, 1.0f);
    EXPECT_EQ(ModelInstrument(from_half).sample_event(c, 5, 1.0f), y);
    // Rounding every weight to float16 moves the sound by little against its level.
    const auto y_full = rt::Instrument(rt::load_model(full)).sample_event(c, 5, 1.0f);
    ASSERT_EQ(y.size(), y_full.size());
    double diff = 0, energy = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
      diff += (y[i] - y_full[i]) * (y[i] - y_full[i]);
      energy += y_full[i] * y_full[i];
    }
    ASSERT_GT(energy, 0);
    EXPECT_LT(diff / energy, 1e-3) << "class " << c;
    EXPECT_GT(diff, 0.0) << "class " << c;
    std::printf("[ float16 weights, class %d: error %.1f dB below the sound ]\n", c,
                -10 * std::log10(std::max(diff / energy, 1e-30)));
  }
}

}  // namespace
}  // namespace ngsynth
