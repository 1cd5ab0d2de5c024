#include "ngsynth/runtime/instrument.h"

#include <algorithm>

#include "ngsynth/runtime/paths.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"

namespace ngsynth::rt {

namespace {
int64_t grains_for(const GrainOptions& g, int64_t length) {
  if (length <= g.grain) return 1;
  return (length - g.grain + g.hop - 1) / g.hop + 1;
}
}  // namespace

Instrument::Instrument(std::shared_ptr<const Model> model) : model_(std::move(model)) {
  model_->event();
  model_->map();
}

int Instrument::sample_rate() const { return model_->grain().sample_rate; }
const std::vector<std::string>& Instrument::classes() const { return model_->classes(); }
int Instrument::event_frames() const { return model_->grain().event_length(); }

std::vector<float> Instrument::sample_event(int class_index, uint64_t seed, float temperature) {
  std::vector<float> audio = model_->render_event(model_->sample_embedding(class_index, temperature, seed),
                                                  model_->one_hot(class_index), seed);
  model_->prior().match_class(class_index, audio, model_->grain().sample_rate);
  return audio;
}

std::vector<float> Instrument::sample_path(int class_index, int64_t frames, uint64_t seed) {
  const LatentMap& map = model_->map();
  const GrainOptions& g = model_->grain();
  std::vector<float> keys = random_point(map, 1.0, mix_seed(seed, 1));
  const std::vector<float> b = random_point(map, 1.0, mix_seed(seed, 2));
  keys.insert(keys.end(), b.begin(), b.end());
  const auto pos = loop_positions(grains_for(g, frames), 0.5 * g.sample_rate / g.hop, true,
                                  mix_seed(seed, 3));
  return model_->render(interpolate_keys(keys, g.z_dim, pos), model_->one_hot(class_index), seed,
                        frames);
}

std::vector<float> Instrument::xy_event(int class_index, float x, float y, int64_t frames,
                                        uint64_t seed) {
  const GrainOptions& g = model_->grain();
  std::vector<float> point(static_cast<std::size_t>(g.z_dim));
  unproject_into(model_->map(), x, y, point.data());
  const std::vector<double> pos(static_cast<std::size_t>(grains_for(g, frames)), 0.0);
  return model_->render(interpolate_keys(point, g.z_dim, pos), model_->one_hot(class_index), seed,
                        frames);
}

std::vector<float> Instrument::morph_event(int class_a, int class_b, float t, uint64_t seed) {
  if (!(t >= 0 && t <= 1)) throw Error("morph position must be within [0, 1]");
  std::vector<float> e = model_->sample_embedding(class_a, 1.0, mix_seed(seed, 1));
  const std::vector<float> b = model_->sample_embedding(class_b, 1.0, mix_seed(seed, 2));
  for (std::size_t i = 0; i < e.size(); ++i) e[i] = e[i] * (1 - t) + b[i] * t;
  return model_->render_event(e, model_->class_mix(class_a, class_b, t), seed);
}

live::StreamRenderer Instrument::stream_renderer(int max_streams) {
  slots_.clear();
  for (int i = 0; i < max_streams; ++i) slots_.push_back(std::make_unique<Slot>(model_->decoder()));
  return [this](const live::StreamState& s, int64_t chunk, std::span<float> out) -> int {
    Slot& slot = *slots_.at(static_cast<std::size_t>(s.id));
    if (static_cast<int64_t>(out.size()) < slot.stream.hop())
      throw Error("stream chunks must be one grain hop long");
    if (chunk == 0) slot.stream.reset(mix_seed(s.tag, static_cast<uint64_t>(s.start_frame)));
    unproject_into(model_->map(), s.params.size() > 0 ? s.params[0] : 0.0f,
                   s.params.size() > 1 ? s.params[1] : 0.0f, slot.z.data());
    std::fill(slot.classes.begin(), slot.classes.end(), 0.0f);
    if (!slot.classes.empty()) {
      const auto c = static_cast<std::size_t>(s.tag);
      if (c >= slot.classes.size()) throw Error("stream class out of range");
      slot.classes[c] = 1.0f;
    }
    slot.stream.next(slot.z.data(), slot.classes.data(), out.data());
    return slot.stream.hop();
  };
}

}  // namespace ngsynth::rt
