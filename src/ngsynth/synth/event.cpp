#include "ngsynth/synth/event.h"

#include "ngsynth/model/device.h"
#include "ngsynth/synth/render.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"

namespace ngsynth {

namespace {
int n_classes(const Model& m) {
  return m.info.grain.conditional ? m.info.grain.n_classes : 0;
}
void check_label(const Model& m, int label) {
  if (n_classes(m) > 0 && (label < 0 || label >= n_classes(m)))
    throw Error("class index " + std::to_string(label) + " out of range");
}
}  // namespace

torch::Tensor sample_embedding(const Model& model, int label, double temperature, uint64_t seed) {
  if (!(temperature >= 0)) throw Error("temperature must be >= 0");
  check_label(model, label);
  const int e = model.event->options().embed_dim;
  EventPrior standard;
  standard.embed_dim = e;
  const EventPrior& prior = model.info.prior.empty() ? standard : model.info.prior;
  std::vector<float> v = prior.sample(n_classes(model) > 0 ? label : 0, temperature, seed);
  return torch::from_blob(v.data(), {1, e}, torch::kFloat32).clone();
}

EventPoint encode_event(Model& model, const std::vector<float>& audio, std::optional<int> label,
                        uint64_t seed) {
  EventVae& event = model.require_event();
  std::vector<float> x = audio;
  x.resize(static_cast<std::size_t>(model.info.grain.event_length()), 0.0f);
  const torch::Tensor z = encode_sound(model.vae, x);
  EventPoint p;
  if (label) check_label(model, *label);
  p.label = label ? *label : closest_class(model.vae, x, seed, z);
  torch::NoGradGuard no_grad;
  event->eval();
  p.embedding = event->encode(z).mu.to(torch::kCPU);
  return p;
}

std::vector<float> render_event(Model& model, const torch::Tensor& embedding,
                                const torch::Tensor& classes, uint64_t seed) {
  EventVae& event = model.require_event();
  const torch::Tensor e = embedding.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  TORCH_CHECK(e.numel() == event->options().embed_dim, "render_event: wrong embedding size");
  const std::vector<float> w = class_weights(model.info.grain, classes);
  const std::vector<float> z = event->runtime_decoder().decode(e.data_ptr<float>(), w.data(),
                                                               event->n_steps());
  return model.vae->runtime_decoder().render(z.data(), event->n_steps(), w.data(), seed,
                                             model.info.grain.event_length());
}

std::vector<std::vector<float>> sample_events(Model& model, int label, int count,
                                              double temperature, uint64_t seed) {
  model.require_event();
  check_label(model, label);
  if (count < 0) throw Error("the number of events must be >= 0");
  std::vector<std::vector<float>> out;
  for (int i = 0; i < count; ++i) {
    const uint64_t s = mix_seed(seed, static_cast<uint64_t>(i));
    out.push_back(render_event(model, sample_embedding(model, label, temperature, s), class_label(label), s));
    model.info.prior.match_class(label, out.back(), model.info.grain.sample_rate);
  }
  return out;
}

std::vector<std::vector<float>> morph_events(Model& model, const EventPoint& a,
                                             const EventPoint& b, int steps, uint64_t seed) {
  model.require_event();
  if (steps < 2) throw Error("a morph needs at least 2 steps");
  check_label(model, a.label);
  check_label(model, b.label);
  std::vector<std::vector<float>> out;
  for (int k = 0; k < steps; ++k) {
    const double t = double(k) / (steps - 1);
    torch::Tensor e = a.embedding * (1 - t) + b.embedding * t;
    out.push_back(render_event(model, e, class_mix(n_classes(model), a.label, b.label, t), seed));
  }
  return out;
}

}  // namespace ngsynth
