// The model file (.ngs): one self-describing, versioned file holding everything needed to
// play a trained model: the options (sample rate, grain, hop, sizes), the class names, a
// training summary, and the weights. Written atomically; loading a truncated, corrupt,
// foreign or other-version file is a one-line error naming the file.
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ngsynth/model/grain_vae.h"
#include "ngsynth/model/options.h"

namespace ngsynth {

inline constexpr uint32_t kModelFormatVersion = 1;

struct ModelInfo {
  GrainOptions grain;
  std::vector<std::string> classes;
  nlohmann::json training = nlohmann::json::object();  // steps, losses, dataset, ...
};

struct LoadedModel {
  ModelInfo info;
  GrainVae vae{nullptr};
};

void save_model(const std::filesystem::path& path, const ModelInfo& info, GrainVae& vae);
// The model is returned in eval mode on `device`.
LoadedModel load_model(const std::filesystem::path& path,
                       const torch::Device& device = torch::kCPU);

// Serialised parameters and buffers of a module (LibTorch archive bytes), and back.
std::string module_bytes(torch::nn::Module& module);
void load_module_bytes(torch::nn::Module& module, const std::string& bytes,
                       const torch::Device& device, const std::filesystem::path& origin);

}  // namespace ngsynth
