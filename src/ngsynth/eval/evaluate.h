// Test-split evaluation of a grain VAE: every event of a split is auto-encoded (posterior
// means, fixed noise seed) and scored with the metrics of metrics.h, per class and overall.
// Used by `ngsynth eval` and by the trainer's periodic test evaluations.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ngsynth/data/dataset.h"
#include "ngsynth/model/event_vae.h"
#include "ngsynth/model/grain_vae.h"

namespace ngsynth {

struct EvalRow {
  std::string name;  // class name, or "all"
  int count = 0;
  double mss = 0;
  double lsd = 0;
  double mss_floor = 0;  // mss between two decodings that differ only in their noise seed
};

struct EvalResult {
  std::vector<EvalRow> classes;
  EvalRow overall;
  nlohmann::json to_json() const;
  std::string table() const;  // aligned plain-text table
};

// model_classes: the classes the model was trained with (matched to the dataset's by
// name; a dataset class the conditional model does not know is an error naming it).
// With an event VAE, each event's latent series also goes through the event level
// (encoded to its embedding mean and decoded) before the grain decoder: the distance of
// the whole two-level model.
EvalResult evaluate(GrainVae& vae, const std::vector<std::string>& model_classes,
                    const Dataset& data, Split split, const torch::Device& device,
                    uint64_t seed = 1234, int batch_size = 16, EventVae* event = nullptr);

// Throws Error unless the dataset's events have the model's sample rate and length.
void check_dataset_fits(const Dataset& data, const GrainOptions& options);

// Posterior means of the grains of the given events: (events, grains, z_dim) on `device`.
torch::Tensor encode_events(GrainVae& vae, const Dataset& data,
                            const std::vector<std::size_t>& indices, const torch::Device& device);

// How the event level does on a set of events: latent MSE (standardised latents, embedding
// means), KL per event of the embedding posteriors, and the active embedding dimensions.
struct EventStats {
  int count = 0;
  double latent_mse = 0;
  double kl_per_event = 0;
  int64_t active_dims = 0;
  int64_t embed_dim = 0;
  nlohmann::json to_json() const;
};
// latents (N, n, z_dim) grain posterior means; labels (N) model class indices.
EventStats event_statistics(EventVae& event, const torch::Tensor& latents,
                            const torch::Tensor& labels);

// Maps the dataset's class indices to the model's; throws Error for unknown classes.
std::vector<int64_t> map_classes(const std::vector<std::string>& model_classes,
                                 const std::vector<std::string>& data_classes,
                                 bool conditional);

}  // namespace ngsynth
