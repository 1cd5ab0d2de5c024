// Sampling a drum kit from a trained model (`ngsynth kit`): per class, `layers` velocity
// layers, each with `variations` round-robin samples, every one a new event drawn from the
// model's event prior with its own seed.
//
// Loudness: Hydrogen (applyVelocity) and SFZ players (amp_veltrack=100, the default) already
// scale a sample by the note's velocity, so the layers are not made quieter again. Instead a
// class's hits are ordered by their peak (the softest-sounding hit plays the lowest
// velocities, as with a real drum) and then all brought to one peak, the class's median peak
// (capped at 0.98), so the velocity curve stays monotonic while the balance between classes
// (a hihat quieter than a kick) is the model's. Every layer's gain is 1; an all-zero hit is
// left as it is.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ngsynth/kit/kit_writer.h"
#include "ngsynth/live/instrument.h"

namespace ngsynth::kit {

struct KitSampling {
  int layers = 3;              // velocity layers per class, >= 1
  int variations = 1;          // round-robin samples per velocity layer, >= 1
  uint64_t seed = 0;
  float temperature = 1.0f;    // > 0
  std::vector<std::string> classes;  // the classes to sample, in this order; empty: all
};

// The seed of one hit: mix_seed of `seed`, the class name's FNV-1a hash and the hit's index
// (layer * variations + variation), so a class's hits do not depend on which other classes
// are sampled, or in which order.
uint64_t hit_seed(uint64_t seed, const std::string& class_name, int hit);

// Samples a kit from `instrument`: one instrument per class (named as the class), layers
// over equal velocity ranges [l/L, (l+1)/L], round_robin selection when variations > 1.
// The description's name, author, info and licence are left for the caller, except info,
// which says how the kit was sampled. Error for an instrument without classes, an unknown
// class, bad counts or temperature, or an event that is empty or not finite.
KitDescription sample_kit(live::Instrument& instrument, const KitSampling& sampling);

}  // namespace ngsynth::kit
