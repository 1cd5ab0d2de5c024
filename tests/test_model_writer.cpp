#include "test_model_writer.h"

#include <nlohmann/json.hpp>

#include "ngsynth/spec/latent_map.h"
#include "ngsynth/spec/options.h"
#include "ngsynth/runtime/model.h"
#include "ngsynth/runtime/tensor_set.h"
#include "ngsynth/util/container.h"
#include "ngsynth/util/hash.h"

namespace ngsynth::test {

namespace {
struct Weights {
  rt::TensorSet set;
  uint64_t seed;
  void add(const std::string& name, std::vector<int64_t> shape, float scale = 0.3f) {
    int64_t n = 1;
    for (auto d : shape) n *= d;
    std::vector<float> v(static_cast<std::size_t>(n));
    uint64_t s = mix_seed(seed, fnv1a64(name));
    for (auto& x : v) {
      s = mix_seed(s, 0x9e3779b97f4a7c15ULL);
      x = scale * (static_cast<float>(s >> 40) / static_cast<float>(1 << 24) * 2.0f - 1.0f);
    }
    set.add(name, std::move(shape), std::move(v));
  }
  void linear(const std::string& p, int64_t out, int64_t in) {
    add(p + ".weight", {out, in});
    add(p + ".bias", {out});
  }
  // A layer whose last `classes` inputs are the class weights, scaled up so that the
  // classes of random weights sound clearly apart (the tests tell them by correlation).
  void class_linear(const std::string& p, int64_t out, int64_t in, int64_t classes, float scale) {
    int64_t n = out * in;
    std::vector<float> v(static_cast<std::size_t>(n));
    uint64_t s = mix_seed(seed, fnv1a64(p));
    for (int64_t i = 0; i < n; ++i) {
      s = mix_seed(s, 0x9e3779b97f4a7c15ULL);
      const float x = 0.3f * (static_cast<float>(s >> 40) / static_cast<float>(1 << 24) * 2.0f - 1.0f);
      v[static_cast<std::size_t>(i)] = i % in >= in - classes ? scale * x : x;
    }
    set.add(p + ".weight", {out, in}, std::move(v));
    add(p + ".bias", {out});
  }
};
}  // namespace

void write_test_model(const std::filesystem::path& path, const TestModelSpec& spec) {
  const int64_t c = static_cast<int64_t>(spec.classes.size()), h = 16, z = 8;
  GrainOptions g;
  g.sample_rate = spec.sample_rate, g.grain = 256, g.hop = 64, g.n_grains = spec.n_grains, g.z_dim = 8;
  g.decoder_hidden = 32, g.decoder_layers = 2, g.n_classes = static_cast<int>(c), g.post_filter_taps = 9;
  g.stft_scales = {256, 128, 64};
  EventOptions e;
  e.hidden = 16, e.embed_dim = 4;

  Weights w{{}, spec.seed};
  w.class_linear("grain.decoder.mlp.0", 32, z + c, c, 10.0f);
  w.add("grain.decoder.mlp.1.weight", {32}), w.add("grain.decoder.mlp.1.bias", {32});
  w.linear("grain.decoder.mlp.3", 32, 32);
  w.add("grain.decoder.mlp.4.weight", {32}), w.add("grain.decoder.mlp.4.bias", {32});
  // Large output weights: magnitudes near 0 or 2 (exp-sigmoid), a different comb of bins
  // per class; with small ones every class is a similar pale noise.
  w.add("grain.decoder.mlp.6.weight", {129, 32}, 3.0f), w.add("grain.decoder.mlp.6.bias", {129});
  w.add("grain.post_filter.weight", {1, 1, 9});
  w.linear("event.dec_in.0", h, 4 + c);
  w.linear("event.dec_in.2", h, h);
  w.add("event.dec_in.3.weight", {h}), w.add("event.dec_in.3.bias", {h});
  w.linear("event.dec_h0", h, 4 + c);
  w.add("event.dec_rnn.weight_ih_l0", {3 * h, h}), w.add("event.dec_rnn.weight_hh_l0", {3 * h, h});
  w.add("event.dec_rnn.bias_ih_l0", {3 * h}), w.add("event.dec_rnn.bias_hh_l0", {3 * h});
  w.linear("event.dec_out.0", h, h + c);
  w.linear("event.dec_out.2", z, h);
  w.add("event.z_mean", {z}), w.add("event.z_std", {z});

  LatentMap map;
  map.z_dim = static_cast<int>(z);
  map.mean.assign(static_cast<std::size_t>(z), 0.1f);
  map.stddev.assign(static_cast<std::size_t>(z), 1.0f);
  map.basis.assign(static_cast<std::size_t>(2 * z), 0.0f);
  map.basis[0] = 1, map.basis[static_cast<std::size_t>(z) + 1] = 1;
  map.explained = {0.5f, 0.3f};
  map.x_min = -2, map.x_max = 2, map.y_min = -2, map.y_max = 2;
  map.xy = {0.0f, 0.0f, 1.0f, -1.0f};
  map.point_class = {0, static_cast<int>(c) - 1};

  Container out;
  out.header["options"] = g;
  out.header["classes"] = spec.classes;
  out.header["event"] = e;
  out.header["latent_map"] = map;
  out.header["weights"] = {{"blob", 0}, {"tensors", w.set.size()}, {"storage", "float32"}};
  out.blobs = {rt::tensor_set_bytes(w.set), points_bytes(map), std::string(), std::string()};
  write_container(path, rt::kModelMagic, rt::kModelFormatVersion, out);
}

}  // namespace ngsynth::test
