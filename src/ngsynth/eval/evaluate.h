// Test-split evaluation of a grain VAE: every event of a split is auto-encoded (posterior
// means, fixed noise seed) and scored with the metrics of metrics.h, per class and overall.
// Used by `ngsynth eval` and by the trainer's periodic test evaluations.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ngsynth/data/dataset.h"
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
EvalResult evaluate(GrainVae& vae, const std::vector<std::string>& model_classes,
                    const Dataset& data, Split split, const torch::Device& device,
                    uint64_t seed = 1234, int batch_size = 16);

// Maps the dataset's class indices to the model's; throws Error for unknown classes.
std::vector<int64_t> map_classes(const std::vector<std::string>& model_classes,
                                 const std::vector<std::string>& data_classes,
                                 bool conditional);

}  // namespace ngsynth
