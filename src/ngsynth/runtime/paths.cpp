#include "ngsynth/runtime/paths.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "ngsynth/runtime/noise.h"
#include "ngsynth/util/error.h"

namespace ngsynth::rt {

std::vector<double> loop_positions(int64_t n, double pass_grains, bool random_step, uint64_t seed) {
  if (!(pass_grains > 0)) throw Error("a loop pass must last more than zero grains");
  std::mt19937_64 rng(seed);
  std::vector<double> pos(static_cast<std::size_t>(n));
  double phase = 0;  // in passes: [0, 1) forward, [1, 2) backward
  for (int64_t j = 0; j < n; ++j) {
    const double p = std::fmod(phase, 2.0);
    pos[j] = p <= 1.0 ? p : 2.0 - p;
    // rng() / 2^64 is a portable U[0, 1), unlike std::uniform_real_distribution.
    const double scale = random_step ? 2.0 * double(rng() >> 11) * 0x1.0p-53 : 1.0;
    phase += scale / pass_grains;
  }
  return pos;
}

std::vector<float> interpolate_keys(const std::vector<float>& keys, int z_dim,
                                    const std::vector<double>& positions) {
  const auto k = static_cast<int64_t>(keys.size()) / z_dim;
  if (k < 1 || static_cast<int64_t>(keys.size()) != k * z_dim) throw Error("a path needs key latents");
  std::vector<float> out(positions.size() * z_dim);
  for (std::size_t j = 0; j < positions.size(); ++j) {
    const double p = std::clamp(positions[j], 0.0, double(k - 1));
    const auto lo = static_cast<int64_t>(std::floor(p));
    const int64_t hi = std::min(lo + 1, k - 1);
    const auto f = static_cast<float>(p - lo);
    for (int d = 0; d < z_dim; ++d)
      out[j * z_dim + d] = keys[lo * z_dim + d] * (1 - f) + keys[hi * z_dim + d] * f;
  }
  return out;
}

std::vector<float> random_point(const LatentMap& map, double temperature, uint64_t seed) {
  if (map.empty()) throw Error("random point: the model has no latent map");
  std::vector<float> z(static_cast<std::size_t>(map.z_dim));
  gaussian(seed, RandomUse::point, z.data(), map.z_dim);
  for (int d = 0; d < map.z_dim; ++d)
    z[d] = static_cast<float>(map.mean[d] + map.stddev[d] * z[d] * temperature);
  return z;
}

void unproject_into(const LatentMap& m, float x, float y, float* z) {
  for (int k = 0; k < m.z_dim; ++k) z[k] = m.mean[k] + x * m.basis[k] + y * m.basis[m.z_dim + k];
}

}  // namespace ngsynth::rt
