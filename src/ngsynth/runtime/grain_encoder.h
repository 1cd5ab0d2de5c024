// The fast preset's grain encoder without LibTorch (the runtime's model/encoder
// SpectralEncoder), so that a front-end can encode a sound it is given (a sample dropped
// on a plugin): the sound, zero-padded to whole grains, is cut into Hann-windowed grains
// (flat outer half-windows) at the model's hop, each grain's log-magnitude spectrum
// log(|rfft| + 1e-4) / 5 goes through an MLP with LayerNorm, and the mean head gives its
// latent. The paper preset's convolutional encoder stays on LibTorch.
#pragma once

#include <cstdint>
#include <vector>

#include "ngsynth/spec/options.h"
#include "ngsynth/runtime/layers.h"
#include "ngsynth/runtime/tensor_set.h"

namespace ngsynth::rt {

class GrainEncoder {
 public:
  // Tensors "grain.encoder.dense.*" and "grain.encoder.mu.*"; Error when the options'
  // encoder is not "spectral" or a tensor is missing.
  GrainEncoder(const GrainOptions& options, const TensorSet& weights);
  // Posterior means of every grain of `audio` (at the model's rate): (grains x z_dim).
  std::vector<float> encode(const std::vector<float>& audio) const;

 private:
  GrainOptions o_;
  Mlp dense_;
  Linear mu_;
};

}  // namespace ngsynth::rt
