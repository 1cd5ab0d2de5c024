#include "ngsynth/runtime/model.h"

#include "ngsynth/runtime/noise.h"
#include "ngsynth/util/container.h"
#include "ngsynth/util/error.h"

namespace ngsynth::rt {

Model::Model(GrainOptions grain, std::vector<std::string> classes, std::optional<EventOptions> event,
             LatentMap map, const TensorSet& weights, Precision precision, EventPrior prior)
    : grain_(std::move(grain)), classes_(std::move(classes)), map_(std::move(map)),
      prior_(std::move(prior)), decoder_(grain_, weights) {
  if (event) {
    event_.emplace(*event, grain_.z_dim, static_cast<int>(decoder_.n_classes()), weights, precision);
    if (prior_.empty()) prior_.embed_dim = event->embed_dim;
    if (prior_.embed_dim != event->embed_dim) throw Error("event prior does not match the event level");
  }
  if (grain_.encoder == Encoder::spectral && weights.contains("grain.encoder.mu.weight"))
    encoder_.emplace(grain_, weights);
  if (!map_.empty() && map_.z_dim != grain_.z_dim)
    throw Error("latent map does not match the latent size");
}

const EventDecoder& Model::event() const {
  if (!event_)
    throw Error("the model has no event level: train one with `ngsynth train --stage "
                "temporal --model MODEL.ngs` and export it");
  return *event_;
}

const LatentMap& Model::map() const {
  if (map_.empty())
    throw Error("the model file holds no latent map: export it again with this version of "
                "ngsynth (`ngsynth export RUN -o MODEL.ngs`)");
  return map_;
}

std::vector<float> Model::one_hot(int c) const {
  std::vector<float> w(static_cast<std::size_t>(n_classes()), 0.0f);
  if (n_classes() == 0) return w;
  if (c < 0 || c >= n_classes()) throw Error("class index " + std::to_string(c) + " out of range");
  w[c] = 1.0f;
  return w;
}

std::vector<float> Model::class_mix(int a, int b, double t) const {
  std::vector<float> w = one_hot(a), wb = one_hot(b);
  for (std::size_t i = 0; i < w.size(); ++i)
    w[i] = static_cast<float>((1 - t) * w[i] + t * wb[i]);
  return w;
}

std::vector<float> Model::sample_embedding(int class_index, double temperature, uint64_t seed) const {
  if (!(temperature >= 0)) throw Error("temperature must be >= 0");
  event();
  one_hot(class_index);  // checks the range
  return prior_.sample(n_classes() > 0 ? class_index : 0, temperature, seed);
}

std::vector<float> Model::render(const std::vector<float>& series, const std::vector<float>& classes,
                                 uint64_t seed, int64_t length) const {
  if (series.empty() || series.size() % grain_.z_dim != 0)
    throw Error("render: a latent series is a whole number of z_dim latents");
  if (static_cast<int>(classes.size()) != n_classes()) throw Error("render: wrong class weights");
  return decoder_.render(series.data(), static_cast<int64_t>(series.size()) / grain_.z_dim,
                         classes.data(), seed, length);
}

std::vector<float> Model::render_event(const std::vector<float>& embedding,
                                       const std::vector<float>& classes, uint64_t seed) const {
  const EventDecoder& e = event();
  if (static_cast<int>(embedding.size()) != e.embed_dim())
    throw Error("event render: the embedding has " + std::to_string(embedding.size()) +
                " values, the model " + std::to_string(e.embed_dim()));
  if (static_cast<int>(classes.size()) != n_classes()) throw Error("event render: wrong class weights");
  const std::vector<float> z = e.decode(embedding.data(), classes.data(), grain_.n_grains);
  return render(z, classes, seed, grain_.event_length());
}

ModelLayout model_layout(const nlohmann::json& h, uint32_t version, std::size_t blobs) {
  ModelLayout l;
  l.version = version;
  if (version >= 3) {
    const nlohmann::json& w = h.at("weights");
    l.weights = w.at("blob").get<std::size_t>();
    l.storage = parse_storage(w.at("storage").get<std::string>());
    if (blobs != 4 || *l.weights != 0) throw Error("model file: unexpected blob layout");
    return l;
  }
  l.map = 2, l.prior = 3, l.classifier = 4;
  if (h.contains("runtime_weights")) {
    l.weights = h.at("runtime_weights").at("blob").get<std::size_t>();
    if (*l.weights >= blobs) throw Error("runtime weights are missing");
  }
  return l;
}

std::shared_ptr<const Model> load_model(const std::filesystem::path& path, Precision precision,
                                        std::optional<PriorKind> prior_kind) {
  const Container c = read_container(path, kModelMagic, kModelFormatVersion, "model file", 1);
  try {
    const nlohmann::json& h = c.header;
    const ModelLayout l = model_layout(h, c.version, c.blobs.size());
    if (!l.weights)
      throw NoRuntimeWeights(path.string() + ": holds no runtime weights (written by an older "
                             "ngsynth): export it again with `ngsynth export`");
    LatentMap map;
    if (h.contains("latent_map")) {
      map = h.at("latent_map").get<LatentMap>();
      set_points_bytes(map, c.blob_or_empty(l.map));
    }
    std::optional<EventOptions> event;
    if (h.contains("event")) event = h.at("event").get<EventOptions>();
    EventPrior prior;
    if (h.contains("event_prior")) {
      prior = h.at("event_prior").get<EventPrior>();
      if (l.prior >= c.blobs.size()) fail_file(path, "event prior is missing");
      set_prior_bytes(prior, c.blobs[l.prior], h.at("event_prior").at("events").get<std::size_t>());
    }
    if (prior_kind) prior.select(*prior_kind);
    return std::make_shared<const Model>(h.at("options").get<GrainOptions>(),
                                         h.at("classes").get<std::vector<std::string>>(), event,
                                         std::move(map), parse_tensor_set(c.blobs[*l.weights], l.storage),
                                         precision, std::move(prior));
  } catch (const nlohmann::json::exception& e) {
    fail_file(path, std::string("model header: ") + e.what());
  } catch (const NoRuntimeWeights&) {
    throw;
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.rfind(path.string() + ":", 0) == 0) throw;
    fail_file(path, what);
  }
}

}  // namespace ngsynth::rt
