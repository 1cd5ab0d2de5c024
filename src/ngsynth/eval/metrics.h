// Reconstruction metrics, per item, as defined in the README:
//   mss: multi-scale spectral distance, the model's training distance (spectral
//        convergence + log-magnitude L1, summed over the model's FFT sizes);
//   lsd: log-spectral distance in dB at one FFT size (the model's grain length).
// `ngsynth eval` also reports the noise floor: the mss between two decodings of the same
// latents with different noise seeds, which no model of this kind can go below on average.
// Waveform errors are not reported: the decoder shapes noise, so its phase is random by
// design and a sample-wise error would measure the noise, not the model.
#pragma once

#include <torch/torch.h>

#include "ngsynth/spec/options.h"

namespace ngsynth {

struct ItemMetrics {
  torch::Tensor mss;  // (B)
  torch::Tensor lsd;  // (B)
};

// target, estimate: (B, T) on any device; results on the CPU.
ItemMetrics item_metrics(const torch::Tensor& target, const torch::Tensor& estimate,
                         const GrainOptions& o);

}  // namespace ngsynth
