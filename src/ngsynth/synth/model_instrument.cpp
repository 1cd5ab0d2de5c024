#include "ngsynth/synth/model_instrument.h"

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
  streams_.clear();
  for (int i = 0; i < max_streams; ++i)
    streams_.push_back(std::make_unique<GrainStream>(model_.vae, static_cast<uint64_t>(i)));
  return [this](const live::StreamState& s, int64_t chunk, std::span<float> out) -> int {
    std::lock_guard lock(mutex_);
    GrainStream& stream = *streams_.at(static_cast<std::size_t>(s.id));
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

}  // namespace ngsynth
