// Streaming grain synthesis: one grain per hop from a latent that may change at every hop
// (an XY pad, a path played live), so a sound can go on for as long as it is played. The
// grain is decoded, windowed and overlap-added into a running sum; each call returns the
// next hop of finished samples, divided by the steady-state window sum, and filtered by
// the model's FIR post-filter. The post-filter looks taps/2 samples ahead, so the stream
// is delayed by taps/2 samples; it starts with the fade-in of its first grain's window.
// Noise grain k of a stream is the runtime's rt::uniform_noise(seed, k): the same seed and
// latents give the same samples, however the calls are spread over time. This LibTorch
// stream is the reference of the runtime's (runtime/grain_stream), which the live engine
// plays.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "ngsynth/model/grain_vae.h"

namespace ngsynth {

class GrainStream {
 public:
  GrainStream(GrainVae vae, uint64_t seed);

  int hop() const { return static_cast<int>(hop_); }
  // Starts again from silence with a new seed.
  void reset(uint64_t seed);
  // Renders the next hop samples into out, for the latent z (z_dim floats) with class
  // conditioning `classes`: (1) int64 or (1, n_classes) weights.
  void next(const float* z, const torch::Tensor& classes, float* out);

 private:
  GrainVae vae_;
  uint64_t seed_ = 0, grain_index_ = 0;
  int64_t grain_, hop_;
  std::vector<float> window_, inv_sum_;  // analysis window; 1 / steady window sum per phase
  std::vector<float> pending_;           // overlap-add sum of the grains still sounding
  std::vector<float> taps_, history_;    // post-filter taps; its input, last taps-1 + hop
  std::vector<float> filtered_;
};

}  // namespace ngsynth
