#include "ngsynth/train/checkpoint.h"

#include "ngsynth/model/archive.h"
#include "ngsynth/model/model_file.h"
#include "ngsynth/util/container.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"

#include <cstdio>

namespace ngsynth {
using nlohmann::json;

namespace {
const std::string kMagic = "NGSCHKPT";
}  // namespace

std::string weights_fingerprint(torch::nn::Module& module) {
  uint64_t h = fnv1a64("ngsynth weights");
  auto add = [&h](const std::string& name, const torch::Tensor& t) {
    h = fnv1a64(name, h);
    const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    for (int64_t d : c.sizes()) h = fnv1a64(&d, sizeof d, h);
    h = fnv1a64(c.data_ptr<float>(), static_cast<std::size_t>(c.numel()) * sizeof(float), h);
  };
  for (const auto& p : module.named_parameters()) add(p.key(), p.value());
  for (const auto& b : module.named_buffers()) add(b.key(), b.value());
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

void save_checkpoint(const std::filesystem::path& path, const TrainState& s, GrainVae& vae,
                     EventVae* event, torch::optim::Optimizer& optimizer) {
  Container c;
  c.header = {{"stage", s.stage}, {"base_model", s.base_model}, {"base_grain", s.base_grain},
              {"grain", s.grain},         {"train", s.train},
              {"classes", s.classes},     {"dataset", s.dataset},
              {"step", s.step},           {"elapsed_s", s.elapsed_s},
              {"best_test_loss", s.best_test_loss}, {"best_step", s.best_step},
              {"evals_since_best", s.evals_since_best}, {"stop_reason", s.stop_reason}};
  if (s.event) c.header["event"] = *s.event;
  c.blobs = {module_bytes(*vae), archive_bytes(optimizer),
             event ? module_bytes(**event) : std::string()};
  write_container(path, kMagic, kCheckpointVersion, c);
}

Checkpoint load_checkpoint(const std::filesystem::path& path) {
  Container c = read_container(path, kMagic, kCheckpointVersion, "checkpoint");
  if (c.blobs.size() != 2 && c.blobs.size() != 3) fail_file(path, "checkpoint lacks weights or optimiser state");
  Checkpoint cp;
  try {
    const json& h = c.header;
    TrainState& s = cp.state;
    s.stage = h.contains("stage") ? h.at("stage").get<Stage>() : Stage::grain;
    s.base_model = h.value("base_model", "");
    s.base_grain = h.value("base_grain", "");
    if (h.contains("event")) s.event = h.at("event").get<EventOptions>();
    s.grain = h.at("grain").get<GrainOptions>();
    s.train = h.at("train").get<TrainOptions>();
    s.classes = h.at("classes").get<std::vector<std::string>>();
    s.dataset = h.at("dataset").get<std::string>();
    s.step = h.at("step").get<int64_t>();
    s.elapsed_s = h.at("elapsed_s").get<double>();
    s.best_test_loss = h.at("best_test_loss").get<double>();
    s.best_step = h.at("best_step").get<int64_t>();
    s.evals_since_best = h.at("evals_since_best").get<int>();
    s.stop_reason = h.value("stop_reason", "");
  } catch (const json::exception& e) {
    fail_file(path, std::string("checkpoint header: ") + e.what());
  } catch (const Error& e) {
    fail_file(path, e.what());
  }
  cp.weights = std::move(c.blobs[0]);
  cp.optimizer = std::move(c.blobs[1]);
  if (c.blobs.size() == 3) cp.event_weights = std::move(c.blobs[2]);
  if (cp.state.stage != Stage::grain && (!cp.state.event || cp.event_weights.empty()))
    fail_file(path, std::string("checkpoint of the ") + enum_name(cp.state.stage) + " stage lacks the event VAE");
  return cp;
}

void load_optimizer_bytes(torch::optim::Optimizer& optimizer, const std::string& bytes,
                          const torch::Device& device, const std::filesystem::path& origin) {
  load_archive_bytes(optimizer, bytes, device, origin, "optimiser state");
}

}  // namespace ngsynth
