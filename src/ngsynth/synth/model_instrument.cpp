#include "ngsynth/synth/model_instrument.h"

#include <optional>

#include "ngsynth/spec/event_prior.h"
#include "ngsynth/model/runtime_weights.h"
#include "ngsynth/synth/autoencode.h"
#include "ngsynth/synth/event.h"
#include "ngsynth/synth/render.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"

namespace ngsynth {

namespace {
std::shared_ptr<const rt::Model> checked(Model& model, std::shared_ptr<const rt::Model> runtime) {
  model.require_event();
  model.require_map();
  return runtime ? std::move(runtime) : runtime_model(model);
}
}  // namespace

ModelInstrument::ModelInstrument(Model& model, std::shared_ptr<const rt::Model> runtime)
    : rt::Instrument(checked(model, std::move(runtime))), model_(model) {}

live::SoundAnalysis ModelInstrument::analyse_sound(std::span<const float> audio, int class_index,
                                                   int variations, float spread, uint64_t seed) {
  std::lock_guard lock(mutex_);
  if (audio.empty()) throw Error("the sound is empty");
  if (variations < 0 || variations > 64) throw Error("variations must be within 0..64");
  if (!(spread >= 0 && spread <= 10)) throw Error("spread must be within 0..10");
  const std::vector<float> x(audio.begin(), audio.end());
  std::optional<int> label;
  if (class_index >= 0) label = class_index;
  live::SoundAnalysis a;
  AutoencodeResult r = autoencode(model_.vae, x, label, seed);
  a.class_index = std::max(r.label, 0);
  a.resynthesis = std::move(r.audio);
  const torch::Tensor z = encode_sound(model_.vae, x)[0].contiguous();  // (grains, z_dim)
  const torch::Tensor energy = model_.vae->framing().slice(sound_tensor(model_.vae, x)).square().sum(-1)[0];
  a.loudest = static_cast<int>(energy.argmax().item<int64_t>());
  for (int64_t g = 0; g < z.size(0); ++g)
    a.map_points.push_back(project(model_.require_map(), z[g].data_ptr<float>()));
  const EventPoint e = encode_event(model_, x, a.class_index, seed);
  for (int i = 0; i < variations; ++i) {
    const uint64_t s = mix_seed(seed, static_cast<uint64_t>(i) + 1);
    // Zero-mean offsets of standard deviation `spread` around the sound's own embedding.
    const std::vector<double> n = standard_normals(s, static_cast<std::size_t>(e.embedding.size(1)));
    const torch::Tensor offset =
        torch::tensor(n, torch::kFloat64).to(torch::kFloat32).unsqueeze(0) * spread;
    a.variations.push_back(render_event(model_, e.embedding + offset, class_label(a.class_index), s));
  }
  return a;
}

}  // namespace ngsynth
