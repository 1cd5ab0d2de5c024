// Auto-encoding (resynthesis) of a sound of any length with a grain VAE: the sound, at the
// model's rate, is encoded grain by grain (posterior means), decoded with a seeded noise
// generator in the model's style, and cropped back to its length. For a class-conditional
// model the class is given (any class: "this laughter as a snare"), or chosen as the one
// whose decoding is spectrally closest to the input. The resynthesis keeps the input's
// loudness (audio/levels.h, match_level) unless keep_level is false.
#pragma once

#include <torch/torch.h>

#include <optional>
#include <vector>

#include "ngsynth/model/grain_vae.h"

namespace ngsynth {

struct AutoencodeResult {
  std::vector<float> audio;  // at the model's sample rate, same duration as the input
  int label = -1;            // class used (-1 when the model is unconditional)
};

// audio: mono samples at the model's sample rate.
AutoencodeResult autoencode(GrainVae& vae, const std::vector<float>& audio,
                            std::optional<int> label, uint64_t seed, bool keep_level = true);

}  // namespace ngsynth
