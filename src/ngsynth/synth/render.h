// The primitives every generative process is made of: a sound (at the model's rate) to its
// series of grain latents, a series of grain latents (any length) to exactly N samples of
// sound, and the class conditioning of a render (one class or a mix of classes). All
// rendering is without autograd and draws its noise from a generator seeded by the caller,
// so the same inputs and seed give the same samples.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "ngsynth/model/grain_vae.h"

namespace ngsynth {

// Index of `name` in classes; throws Error listing the valid names when absent.
int class_index(const std::vector<std::string>& classes, const std::string& name);

// The conditioning of one class: (1) int64; a model without classes ignores it.
torch::Tensor class_label(int label);
// A mix of two classes, (1 - t) a + t b, as (1, n_classes) float weights.
torch::Tensor class_mix(int n_classes, int a, int b, double t);

// The class conditioning as the runtime takes it: n_classes weights (none for a model
// without classes) from (1) int64 labels or (1, n_classes) float weights.
std::vector<float> class_weights(const GrainOptions& o, const torch::Tensor& classes);

// Mono audio at the model's rate, zero-padded to whole grains: (1, samples).
torch::Tensor sound_tensor(const GrainVae& vae, const std::vector<float>& audio);
// Posterior means of every grain of a sound: (1, grains, z_dim).
torch::Tensor encode_sound(GrainVae& vae, const std::vector<float>& audio);
// Decodes a latent series (1, n, z_dim) with `classes` (see GrainVae::decode) and noise
// from `seed`, and returns exactly `length` samples (cropped, or zero-padded past the
// series' end). Rendered by the synthesis runtime (vae->runtime_decoder()).
std::vector<float> render_latents(GrainVae& vae, const torch::Tensor& z,
                                  const torch::Tensor& classes, uint64_t seed, int64_t length);
// The class whose decoding of the sound's latents is spectrally closest to the sound
// (0 for a model without classes). `latents`: the sound's encode_sound, when the caller
// has it already (encoded here otherwise).
int closest_class(GrainVae& vae, const std::vector<float>& audio, uint64_t seed,
                  torch::Tensor latents = {});

}  // namespace ngsynth
