#include "ngsynth/model/model_file.h"

#include "ngsynth/model/archive.h"
#include "ngsynth/model/runtime_weights.h"
#include "ngsynth/util/container.h"
#include "ngsynth/util/error.h"

namespace ngsynth {
using nlohmann::json;

namespace {
const std::string kMagic = "NGSMODEL";
}

std::string module_bytes(torch::nn::Module& module) { return archive_bytes(module); }

void load_module_bytes(torch::nn::Module& module, const std::string& bytes,
                       const torch::Device& device, const std::filesystem::path& origin) {
  // Module::load replaces tensors whatever their shape, so shapes are checked here.
  std::vector<std::pair<std::string, std::vector<int64_t>>> expected;
  for (const auto& p : module.named_parameters()) expected.emplace_back(p.key(), p.value().sizes().vec());
  for (const auto& b : module.named_buffers()) expected.emplace_back(b.key(), b.value().sizes().vec());
  load_archive_bytes(module, bytes, device, origin, "weights");
  std::size_t i = 0;
  auto check = [&](const std::string& name, const torch::Tensor& t) {
    if (i >= expected.size() || expected[i].first != name || expected[i].second != t.sizes().vec())
      fail_file(origin, "weights do not match the stored options (tensor " + name + ")");
    ++i;
  };
  for (const auto& p : module.named_parameters()) check(p.key(), p.value());
  for (const auto& b : module.named_buffers()) check(b.key(), b.value());
}

EventVae& Model::require_event() {
  if (!has_event())
    throw Error("the model has no event level: train one with `ngsynth train --stage "
                "temporal --model MODEL.ngs` and export it");
  return event;
}

const LatentMap& Model::require_map() const {
  if (info.map.empty())
    throw Error("the model file holds no latent map: export it again with this version of "
                "ngsynth (`ngsynth export RUN -o MODEL.ngs`)");
  return info.map;
}

EventVae make_event_vae(const EventOptions& o, const GrainOptions& g) {
  return EventVae(o, g.z_dim, g.n_grains, g.conditional ? g.n_classes : 0);
}

// Blobs: grain weights, then event weights, latent-map points, event-prior posteriors and
// classifier weights (each empty when absent), then the runtime weights (named float32
// tensors of the synthesis path, runtime/tensor_set.h; the header's runtime_weights.blob).
// Files of earlier layouts hold 1, 3 or 5 blobs.
void save_model(const std::filesystem::path& path, Model& m) {
  const ModelInfo& info = m.info;
  Container c;
  c.header = {{"format", "ngsynth model"},
              {"format_version", kModelFormatVersion},
              {"sample_rate", info.grain.sample_rate},
              {"grain", info.grain.grain},
              {"hop", info.grain.hop},
              {"classes", info.classes},
              {"options", info.grain},
              {"training", info.training},
              {"parameters", count_parameters(*m.vae)}};
  if (m.has_event()) {
    c.header["event"] = m.event->options();
    c.header["event_parameters"] = count_parameters(*m.event);
  }
  if (!info.map.empty()) c.header["latent_map"] = info.map;
  if (!info.prior.empty()) c.header["event_prior"] = info.prior;
  if (!m.classifier.empty()) c.header["classifier"] = classifier_header(m.classifier);
  c.blobs.push_back(module_bytes(*m.vae));
  c.blobs.push_back(m.has_event() ? module_bytes(*m.event) : std::string());
  c.blobs.push_back(info.map.empty() ? std::string() : points_bytes(info.map));
  c.blobs.push_back(info.prior.empty() ? std::string() : prior_bytes(info.prior));
  c.blobs.push_back(m.classifier.empty() ? std::string() : classifier_bytes(m.classifier));
  const rt::TensorSet runtime = runtime_weights(m);
  c.header["runtime_weights"] = {{"blob", c.blobs.size()}, {"tensors", runtime.size()},
                                 {"noise", "philox4x32-10"}};
  c.blobs.push_back(rt::tensor_set_bytes(runtime));
  write_container(path, kMagic, kModelFormatVersion, c);
}

Model load_model(const std::filesystem::path& path, const torch::Device& device) {
  Container c = read_container(path, kMagic, kModelFormatVersion, "model file", 1);
  Model m;
  std::size_t prior_events = 0;
  try {
    m.info.grain = c.header.at("options").get<GrainOptions>();
    m.info.classes = c.header.at("classes").get<std::vector<std::string>>();
    m.info.training = c.header.value("training", json::object());
    if (c.header.contains("event")) m.info.event = c.header.at("event").get<EventOptions>();
    if (c.header.contains("latent_map")) m.info.map = c.header.at("latent_map").get<LatentMap>();
    if (c.header.contains("event_prior")) {
      m.info.prior = c.header.at("event_prior").get<EventPrior>();
      prior_events = c.header.at("event_prior").at("events").get<std::size_t>();
    }
  } catch (const json::exception& e) {
    fail_file(path, std::string("model header: ") + e.what());
  } catch (const Error& e) {
    fail_file(path, e.what());
  }
  // Files of the first layout hold the grain weights only.
  if (c.blobs.empty() || (c.blobs.size() != 1 && c.blobs.size() != 3 && c.blobs.size() < 5))
    fail_file(path, "model file holds no weights");
  m.vae = GrainVae(m.info.grain);
  load_module_bytes(*m.vae, c.blobs[0], device, path);
  m.vae->to(device);
  m.vae->eval();
  if (m.info.event) {
    if (c.blobs.size() < 2 || c.blobs[1].empty()) fail_file(path, "event weights are missing");
    m.event = make_event_vae(*m.info.event, m.info.grain);
    load_module_bytes(*m.event, c.blobs[1], device, path);
    m.event->to(device);
    m.event->eval();
  }
  if (!m.info.map.empty()) {
    if (m.info.map.z_dim != m.info.grain.z_dim)
      fail_file(path, "latent map does not match the latent size");
    try {
      set_points_bytes(m.info.map, c.blobs.size() >= 3 ? c.blobs[2] : std::string());
    } catch (const Error& e) {
      fail_file(path, e.what());
    }
  }
  if (c.header.contains("event_prior")) {
    const int classes = m.info.grain.conditional ? m.info.grain.n_classes : 0;
    if (!m.has_event() || m.info.prior.embed_dim != m.info.event->embed_dim ||
        m.info.prior.n_classes != classes || c.blobs.size() < 5)
      fail_file(path, "event prior does not match the event level");
    try {
      set_prior_bytes(m.info.prior, c.blobs[3], prior_events);
    } catch (const Error& e) {
      fail_file(path, e.what());
    }
  }
  if (c.header.contains("classifier")) {
    if (c.blobs.size() < 5) fail_file(path, "classifier weights are missing");
    m.classifier = load_classifier_blob(c.header["classifier"], c.blobs[4], path);
  }
  return m;
}

}  // namespace ngsynth
