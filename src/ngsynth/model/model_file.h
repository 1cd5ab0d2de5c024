// The model file (.ngs): one self-describing, versioned file holding everything needed to
// play a trained model: the options (sample rate, grain, hop, sizes), the class names, a
// training summary, the weights of the grain VAE and, when trained, of the event VAE, the
// latent map (the PCA plane of the grain space, with the training grains projected on it),
// the class priors of the event embedding and the drum classifier that measured it.
// Written atomically; loading a truncated, corrupt, foreign or other-version file is a
// one-line error naming the file.
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ngsynth/model/classifier.h"
#include "ngsynth/spec/event_prior.h"
#include "ngsynth/model/event_vae.h"
#include "ngsynth/model/grain_vae.h"
#include "ngsynth/spec/latent_map.h"
#include "ngsynth/spec/options.h"
#include "ngsynth/runtime/model.h"

namespace ngsynth {

// 3: every weight once, as named tensors; versions 1 and 2 (LibTorch archives) still
// load (runtime/model.h, ModelLayout).
inline constexpr uint32_t kModelFormatVersion = rt::kModelFormatVersion;

struct ModelInfo {
  GrainOptions grain;
  std::vector<std::string> classes;
  nlohmann::json training = nlohmann::json::object();  // steps, losses, dataset, ...
  std::optional<EventOptions> event;                   // set when there is an event VAE
  LatentMap map;                                       // empty when not computed
  EventPrior prior;  // class priors of the event embedding; empty: N(0, I) only
};

struct Model {
  ModelInfo info;
  GrainVae vae{nullptr};
  EventVae event{nullptr};  // null without an event level
  Classifier classifier;    // the drum classifier that judged it; empty when none

  bool has_event() const { return !event.is_empty(); }
  // The event VAE; an Error telling how to train one when the model has none.
  EventVae& require_event();
  // The latent map; an Error telling how to make one when the model has none.
  const LatentMap& require_map() const;
};

// An event VAE sized for a grain model (latent size, grains per event, classes).
EventVae make_event_vae(const EventOptions& o, const GrainOptions& g);

// float16 storage halves the file (every weight rounded to float16; what loads from it is
// what plays); an Error naming the tensor when a weight lies beyond float16's range.
void save_model(const std::filesystem::path& path, Model& model,
                rt::Storage storage = rt::Storage::float32);
// The model is returned in eval mode on `device`.
Model load_model(const std::filesystem::path& path, const torch::Device& device = torch::kCPU);

// Serialised parameters and buffers of a module (LibTorch archive bytes), and back.
std::string module_bytes(torch::nn::Module& module);
void load_module_bytes(torch::nn::Module& module, const std::string& bytes,
                       const torch::Device& device, const std::filesystem::path& origin);

}  // namespace ngsynth
