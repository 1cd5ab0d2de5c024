// From a training run to a model file: the run's best (or latest) state, its options and
// classes, a training summary, and the latent map: a PCA of the latents of the training
// grains (silent grains left out), with the grains projected on it, so that every front-end
// can draw the grain space and offer an XY pad whose every point decodes.
#pragma once

#include <filesystem>
#include <optional>

#include "ngsynth/data/dataset.h"
#include "ngsynth/model/model_file.h"

namespace ngsynth {

// The latent map of a grain VAE over the training split of a dataset; at most max_points
// grains are kept for drawing.
LatentMap compute_latent_map(GrainVae& vae, const std::vector<std::string>& model_classes,
                             const Dataset& data, std::size_t max_points = 20000,
                             uint64_t seed = 1);

// The class priors of an event VAE (spec/event_prior.h) from the posteriors of the
// dataset's training events, encoded by the grain and event levels. `train_latents`: the
// grain posterior means of the training events (as encode_events gives them), when the
// caller has them already (the temporal stage's frozen grain VAE).
EventPrior fit_class_priors(GrainVae& vae, EventVae& event,
                            const std::vector<std::string>& model_classes, const Dataset& data,
                            PriorKind kind,
                            const torch::Tensor& train_latents = {});

// The decay and level match of the model's event prior (EventPrior::decay_db_per_s,
// level_gain_db, peak_limit), from `samples` events per class sampled at `temperature`
// (from seeds of their own, not those `ngsynth eval` draws) against the class's training
// events in `data`, measured as audio/levels measures them: where the samples' median
// decay time is more than kDecayTolerance times the real one, the least extra decay (up to
// kMaxDecay dB/s, bisected) that brings it down to the real one (none otherwise); then the
// gain (within -24..24 dB) that brings their median RMS to the real one; the peak limit is
// the loudest training event's peak. A class without training events keeps 0 and 0 dB.
inline constexpr uint64_t kLevelSeed = 0x1e7e1;  // the seed of fit_levels's samples
inline constexpr double kMaxDecay = 1000;         // dB/s: 20 dB in 20 ms
// Up to 25 % longer is left as it is: on the default corpus, matching hihats, snares,
// rides and percussion that rang 10 to 17 % long moved their samples' classifier
// embeddings away from the real ones (Frechet distance up 20 to 70 %).
inline constexpr double kDecayTolerance = 1.25;
inline constexpr int kLevelSamples = 64;          // per class (16 left the median 2 dB off)
void fit_levels(Model& model, const Dataset& data, int samples = kLevelSamples,
                double temperature = 0.5);

struct ExportedRun {
  Model model;
  std::filesystem::path source;  // the checkpoint exported
  std::filesystem::path data;    // the dataset the map and priors were computed on
  int64_t step = 0;
};

// The model of run_dir (best.ngc, or checkpoint.ngc when `last` or when there is no best)
// with its latent map, and the class priors and their level match when it has an event
// level, computed on `data`
// (default: the dataset the run was trained on). The drum classifier is left to the caller
// (model/classifier.h: dataset_classifier).
ExportedRun export_run(const std::filesystem::path& run_dir, bool last,
                       const std::optional<std::filesystem::path>& data);

}  // namespace ngsynth
