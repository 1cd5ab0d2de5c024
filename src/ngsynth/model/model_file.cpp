#include "ngsynth/model/model_file.h"

#include "ngsynth/model/archive.h"
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

void save_model(const std::filesystem::path& path, const ModelInfo& info, GrainVae& vae) {
  Container c;
  c.header = {{"format", "ngsynth model"},
              {"format_version", kModelFormatVersion},
              {"sample_rate", info.grain.sample_rate},
              {"grain", info.grain.grain},
              {"hop", info.grain.hop},
              {"classes", info.classes},
              {"options", info.grain},
              {"training", info.training},
              {"parameters", count_parameters(*vae)}};
  c.blobs.push_back(module_bytes(*vae));
  write_container(path, kMagic, kModelFormatVersion, c);
}

LoadedModel load_model(const std::filesystem::path& path, const torch::Device& device) {
  Container c = read_container(path, kMagic, kModelFormatVersion, "model file");
  LoadedModel m;
  try {
    m.info.grain = c.header.at("options").get<GrainOptions>();
    m.info.classes = c.header.at("classes").get<std::vector<std::string>>();
    m.info.training = c.header.value("training", json::object());
  } catch (const json::exception& e) {
    fail_file(path, std::string("model header: ") + e.what());
  } catch (const Error& e) {
    fail_file(path, e.what());
  }
  if (c.blobs.size() != 1) fail_file(path, "model file holds no weights");
  m.vae = GrainVae(m.info.grain);
  load_module_bytes(*m.vae, c.blobs[0], device, path);
  m.vae->to(device);
  m.vae->eval();
  return m;
}

}  // namespace ngsynth
