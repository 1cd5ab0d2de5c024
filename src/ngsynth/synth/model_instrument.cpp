#include "ngsynth/synth/model_instrument.h"

#include <optional>

#include "ngsynth/synth/autoencode.h"
#include "ngsynth/synth/event.h"
#include "ngsynth/synth/latent_path.h"
#include "ngsynth/synth/render.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"

namespace ngsynth {

ModelInstrument::ModelInstrument(Model& model) : model_(model) {
  model_.require_event();
  model_.require_map();
}

int ModelInstrument::sample_rate() const { return model_.info.grain.sample_rate; }
const std::vector<std::string>& ModelInstrument::classes() const { return model_.info.classes; }
int ModelInstrument::event_frames() const { return model_.info.grain.event_length(); }

std::vector<float> ModelInstrument::sample_event(int class_index, uint64_t seed,
                                                 float temperature) {
  std::lock_guard lock(mutex_);
  return render_event(model_, sample_embedding(model_, class_index, temperature, seed),
                      class_label(class_index), seed);
}

std::vector<float> ModelInstrument::sample_path(int class_index, int64_t frames, uint64_t seed) {
  std::lock_guard lock(mutex_);
  const LatentMap& map = model_.require_map();
  const GrainOptions& g = model_.info.grain;
  const int64_t n = model_.vae->framing().grains_for(frames);
  torch::Tensor path = loop_path(random_point(map, 1.0, mix_seed(seed, 1)),
                                 random_point(map, 1.0, mix_seed(seed, 2)), n,
                                 0.5 * g.sample_rate / g.hop, true, mix_seed(seed, 3));
  return render_latents(model_.vae, path, class_label(class_index), seed, frames);
}

std::vector<float> ModelInstrument::xy_event(int class_index, float x, float y, int64_t frames,
                                             uint64_t seed) {
  std::lock_guard lock(mutex_);
  const int64_t n = model_.vae->framing().grains_for(frames);
  torch::Tensor path = keyframe_path(map_point(model_.require_map(), x, y).unsqueeze(0), n);
  return render_latents(model_.vae, path, class_label(class_index), seed, frames);
}

std::vector<float> ModelInstrument::morph_event(int class_a, int class_b, float t,
                                                uint64_t seed) {
  std::lock_guard lock(mutex_);
  if (!(t >= 0 && t <= 1)) throw Error("morph position must be within [0, 1]");
  torch::Tensor a = sample_embedding(model_, class_a, 1.0, mix_seed(seed, 1));
  torch::Tensor b = sample_embedding(model_, class_b, 1.0, mix_seed(seed, 2));
  const int n_classes = model_.info.grain.conditional ? model_.info.grain.n_classes : 0;
  return render_event(model_, a * (1 - t) + b * t, class_mix(n_classes, class_a, class_b, t),
                      seed);
}

live::StreamRenderer ModelInstrument::stream_renderer(int max_streams) {
  auto streams = std::make_shared<std::vector<std::unique_ptr<GrainStream>>>();
  for (int i = 0; i < max_streams; ++i)
    streams->push_back(std::make_unique<GrainStream>(model_.vae, static_cast<uint64_t>(i)));
  return [this, streams](const live::StreamState& s, int64_t chunk, std::span<float> out) -> int {
    std::lock_guard lock(mutex_);
    GrainStream& stream = *streams->at(static_cast<std::size_t>(s.id));
    if (static_cast<int64_t>(out.size()) < stream.hop())
      throw Error("stream chunks must be one grain hop long");
    if (chunk == 0) stream.reset(mix_seed(s.tag, static_cast<uint64_t>(s.start_frame)));
    const std::vector<float> z =
        unproject(model_.require_map(), s.params.size() > 0 ? s.params[0] : 0.0f,
                  s.params.size() > 1 ? s.params[1] : 0.0f);
    stream.next(z.data(), class_label(static_cast<int>(s.tag)), out.data());
    return stream.hop();
  };
}

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
