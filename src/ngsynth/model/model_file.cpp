#include "ngsynth/model/model_file.h"

#include "ngsynth/model/archive.h"
#include "ngsynth/model/runtime_weights.h"
#include "ngsynth/util/container.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/version.h"

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

// Format 3: the header, then blobs: every weight once as named tensors (float32 or
// float16), latent-map points, event-prior posteriors, classifier weights (each empty when
// absent). Files of formats 1 and 2 (LibTorch archives) still load; runtime/model.h.
void save_model(const std::filesystem::path& path, Model& m, rt::Storage storage) {
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
              {"parameters", count_parameters(*m.vae)},
              {"written_by", version_text()}};
  if (m.has_event()) {
    c.header["event"] = m.event->options();
    c.header["event_parameters"] = count_parameters(*m.event);
  }
  if (!info.map.empty()) c.header["latent_map"] = info.map;
  if (!info.prior.empty()) c.header["event_prior"] = info.prior;
  if (!m.classifier.empty()) c.header["classifier"] = classifier_header(m.classifier);
  const rt::TensorSet weights = all_weights(m);
  c.header["weights"] = {{"blob", 0}, {"tensors", weights.size()},
                         {"storage", rt::storage_name(storage)}, {"noise", "philox4x32-10"}};
  try {
    c.blobs.push_back(rt::tensor_set_bytes(weights, storage));
  } catch (const Error& e) {
    fail_file(path, e.what());
  }
  c.blobs.push_back(info.map.empty() ? std::string() : points_bytes(info.map));
  c.blobs.push_back(info.prior.empty() ? std::string() : prior_bytes(info.prior));
  c.blobs.push_back(m.classifier.empty() ? std::string() : classifier_bytes(m.classifier));
  write_container(path, kMagic, kModelFormatVersion, c);
}

Model load_model(const std::filesystem::path& path, const torch::Device& device) {
  Container c = read_container(path, kMagic, kModelFormatVersion, "model file", 1);
  Model m;
  std::size_t prior_events = 0;
  rt::ModelLayout layout;
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
    // Files of the first layout hold the grain weights only.
    if (c.version < 3 &&
        (c.blobs.empty() || (c.blobs.size() != 1 && c.blobs.size() != 3 && c.blobs.size() < 5)))
      fail_file(path, "model file holds no weights");
    layout = rt::model_layout(c.header, c.version, c.blobs.size());
  } catch (const json::exception& e) {
    fail_file(path, std::string("model header: ") + e.what());
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.rfind(path.string() + ":", 0) == 0) throw;
    fail_file(path, what);
  }
  m.vae = GrainVae(m.info.grain);
  if (m.info.event) m.event = make_event_vae(*m.info.event, m.info.grain);
  if (layout.version >= 3) {
    rt::TensorSet weights;
    try {
      weights = rt::parse_tensor_set(c.blobs[*layout.weights], layout.storage);
    } catch (const Error& e) {
      fail_file(path, e.what());
    }
    try {
      std::size_t taken = load_tensors(*m.vae, "grain.", weights);
      if (m.has_event()) taken += load_tensors(*m.event, "event.", weights);
      if (taken != weights.size()) throw Error("the file holds tensors these options do not have");
    } catch (const Error& e) {
      fail_file(path, std::string("weights do not match the stored options: ") + e.what());
    }
  } else {
    load_module_bytes(*m.vae, c.blobs[layout.torch_grain], device, path);
    if (m.has_event()) {
      if (c.blob_or_empty(layout.torch_event).empty()) fail_file(path, "event weights are missing");
      load_module_bytes(*m.event, c.blobs[layout.torch_event], device, path);
    }
  }
  m.vae->to(device);
  m.vae->eval();
  if (m.has_event()) {
    m.event->to(device);
    m.event->eval();
  }
  if (!m.info.map.empty()) {
    if (m.info.map.z_dim != m.info.grain.z_dim)
      fail_file(path, "latent map does not match the latent size");
    try {
      set_points_bytes(m.info.map, c.blob_or_empty(layout.map));
    } catch (const Error& e) {
      fail_file(path, e.what());
    }
  }
  if (c.header.contains("event_prior")) {
    const int classes = m.info.grain.conditional ? m.info.grain.n_classes : 0;
    if (!m.has_event() || m.info.prior.embed_dim != m.info.event->embed_dim ||
        m.info.prior.n_classes != classes || layout.prior >= c.blobs.size())
      fail_file(path, "event prior does not match the event level");
    try {
      set_prior_bytes(m.info.prior, c.blobs[layout.prior], prior_events);
    } catch (const Error& e) {
      fail_file(path, e.what());
    }
  }
  if (c.header.contains("classifier")) {
    if (c.blob_or_empty(layout.classifier).empty()) fail_file(path, "classifier weights are missing");
    m.classifier = load_classifier_blob(c.header["classifier"], c.blobs[layout.classifier], path);
  }
  return m;
}

}  // namespace ngsynth
