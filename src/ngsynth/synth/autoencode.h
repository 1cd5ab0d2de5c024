// Auto-encoding a sound of any length with a grain VAE: the sound is resampled to the
// model's rate, padded to a whole number of hops, encoded grain by grain (posterior
// means), decoded with a seeded noise generator, and cropped back to its length. For a
// class-conditional model the class is given, or chosen as the one whose decoding is
// spectrally closest to the input.
#pragma once

#include <torch/torch.h>

#include <optional>
#include <string>
#include <vector>

#include "ngsynth/model/grain_vae.h"

namespace ngsynth {

struct AutoencodeResult {
  std::vector<float> audio;  // at the model's sample rate, same duration as the input
  int label = -1;            // class used (-1 when the model is unconditional)
};

// audio: mono samples at the model's sample rate.
AutoencodeResult autoencode(GrainVae& vae, const std::vector<float>& audio,
                            std::optional<int> label, uint64_t seed,
                            const torch::Device& device = torch::kCPU);

// Index of `name` in classes; throws Error listing the valid names when absent.
int class_index(const std::vector<std::string>& classes, const std::string& name);

}  // namespace ngsynth
