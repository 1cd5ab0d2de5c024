// Free synthesis along paths in the grain latent space (Bitton et al. 2020, "generative
// processes"): every point of the space is a playable grain, so any trajectory of any
// length is a sound. A path is a (1, n, z_dim) series, one latent per grain hop, built
// from keyframes: two points joined by a straight line, a forward-backward loop between
// them (optionally with a randomised step size), or keyframes read from a file.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "ngsynth/model/grain_vae.h"
#include "ngsynth/spec/latent_map.h"
#include "ngsynth/synth/path_file.h"

namespace ngsynth {

// keys (k, z_dim) spread evenly over n grains and joined by straight lines.
torch::Tensor keyframe_path(const torch::Tensor& keys, int64_t n);
// n grains going a -> b -> a -> ... (points (z_dim)); one one-way pass takes `pass_grains`
// grains on average. With random_step every grain's step is scaled by U[0, 2) drawn from
// seed, so the path wanders back and forth at an irregular speed.
torch::Tensor loop_path(const torch::Tensor& a, const torch::Tensor& b, int64_t n,
                        double pass_grains, bool random_step, uint64_t seed);

// The latent of a sound's loudest grain (posterior mean): its most characteristic point.
torch::Tensor sound_point(GrainVae& vae, const std::vector<float>& audio);
// A point drawn from a Gaussian fitted to the training latents (the map's per-dimension
// mean and standard deviation), its spread scaled by temperature.
torch::Tensor random_point(const LatentMap& map, double temperature, uint64_t seed);
// A point of the latent map's PCA plane, as a latent.
torch::Tensor map_point(const LatentMap& map, float x, float y);

// Keyframes of a path file (k, z_dim): latent points as they are, 2-number points through
// the latent map (an Error naming the file when there is no map to place them with).
torch::Tensor path_keyframes(const PathFile& file, const LatentMap& map, int z_dim,
                             const std::string& origin);

}  // namespace ngsynth
