// Training checkpoints (.ngc): options, classes, step, early-stopping state and elapsed
// time in a JSON header, then the weights and the optimiser state (Adam moments and step
// counts). Randomness needs no saved state: batches and noise are pure functions of
// (seed, step), so a resumed run continues exactly where the checkpoint was taken.
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ngsynth/model/event_vae.h"
#include "ngsynth/model/grain_vae.h"
#include "ngsynth/spec/options.h"

namespace ngsynth {

inline constexpr uint32_t kCheckpointVersion = 1;

struct TrainState {
  Stage stage = Stage::grain;
  GrainOptions grain;
  std::optional<EventOptions> event;  // temporal and joint stages
  std::string base_model;        // model file a temporal or joint stage started from
  std::string base_grain;        // weights_fingerprint of that file's grain VAE
  TrainOptions train;
  std::vector<std::string> classes;
  std::string dataset;           // path of the dataset trained on
  int64_t step = 0;              // optimisation steps done
  double elapsed_s = 0;          // training time over all sessions
  double best_test_loss = 1e30;  // best test-split loss so far
  int64_t best_step = -1;
  int evals_since_best = 0;
  std::string stop_reason;       // why the last session stopped
};

// A hash of a module's parameters and buffers (names, shapes, values), as 16 hex digits:
// tells whether two grain VAEs are the same, whatever file or device they came from.
std::string weights_fingerprint(torch::nn::Module& module);

// event: the event VAE of the temporal and joint stages, null in the grain stage.
void save_checkpoint(const std::filesystem::path& path, const TrainState& state,
                     GrainVae& vae, EventVae* event, torch::optim::Optimizer& optimizer);

struct Checkpoint {
  TrainState state;
  std::string weights;        // grain VAE
  std::string optimizer;
  std::string event_weights;  // empty in the grain stage
};
Checkpoint load_checkpoint(const std::filesystem::path& path);

// Restores the optimiser state saved by save_checkpoint.
void load_optimizer_bytes(torch::optim::Optimizer& optimizer, const std::string& bytes,
                          const torch::Device& device, const std::filesystem::path& origin);

}  // namespace ngsynth
