// Latent series the runtime plays, without LibTorch: positions of a forward-backward loop,
// series read at fractional positions of key latents, and random points of the latent
// map's Gaussian. synth/latent_path builds its LibTorch paths from the same positions.
#pragma once

#include <cstdint>
#include <vector>

#include "ngsynth/spec/latent_map.h"

namespace ngsynth::rt {

// n positions going 0 -> 1 -> 0 -> ...; one pass takes `pass_grains` grains on average;
// with random_step every step is scaled by U[0, 2) from std::mt19937_64(seed) (portable).
std::vector<double> loop_positions(int64_t n, double pass_grains, bool random_step, uint64_t seed);
// keys (k x z_dim) read at fractional key positions (linear interpolation, clamped):
// (positions.size() x z_dim).
std::vector<float> interpolate_keys(const std::vector<float>& keys, int z_dim,
                                    const std::vector<double>& positions);
// A latent drawn from N(map mean, (temperature * map stddev)^2), from `seed`.
std::vector<float> random_point(const LatentMap& map, double temperature, uint64_t seed);
// The map point (x, y) as a latent, written into z (z_dim floats); allocation-free.
void unproject_into(const LatentMap& map, float x, float y, float* z);

}  // namespace ngsynth::rt
