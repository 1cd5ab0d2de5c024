#include "ngsynth/synth/latent_path.h"

#include <cmath>
#include <random>

#include "ngsynth/synth/latent_series.h"
#include "ngsynth/synth/render.h"
#include "ngsynth/util/error.h"

namespace ngsynth {

torch::Tensor keyframe_path(const torch::Tensor& keys, int64_t n) {
  TORCH_CHECK(keys.dim() == 2 && keys.size(0) >= 1, "keyframes: expected (k, z)");
  return fit_series(keys.unsqueeze(0), n);
}

torch::Tensor loop_path(const torch::Tensor& a, const torch::Tensor& b, int64_t n,
                        double pass_grains, bool random_step, uint64_t seed) {
  if (!(pass_grains > 0)) throw Error("a loop pass must last more than zero grains");
  std::mt19937_64 rng(seed);
  std::vector<double> pos(n);
  double phase = 0;  // in passes: [0, 1) forward, [1, 2) backward
  for (int64_t j = 0; j < n; ++j) {
    const double p = std::fmod(phase, 2.0);
    pos[j] = p <= 1.0 ? p : 2.0 - p;
    // rng() / 2^64 is a portable U[0, 1), unlike std::uniform_real_distribution.
    const double scale = random_step ? 2.0 * double(rng() >> 11) * 0x1.0p-53 : 1.0;
    phase += scale / pass_grains;
  }
  return interpolate_series(torch::stack({a, b}).unsqueeze(0), pos);
}

torch::Tensor sound_point(GrainVae& vae, const std::vector<float>& audio) {
  torch::Tensor z = encode_sound(vae, audio);  // (1, n, z)
  torch::Tensor grains = vae->framing().slice(sound_tensor(vae, audio));
  const int64_t loudest = grains.square().sum(-1).argmax(1).item<int64_t>();
  return z[0][loudest].to(torch::kCPU);
}

torch::Tensor random_point(const LatentMap& map, double temperature, uint64_t seed) {
  at::Generator gen = make_generator(seed);
  torch::Tensor mean = torch::tensor(map.mean), sd = torch::tensor(map.stddev);
  return mean + sd * torch::randn({map.z_dim}, gen) * temperature;
}

torch::Tensor map_point(const LatentMap& map, float x, float y) {
  return torch::tensor(unproject(map, x, y));
}

torch::Tensor path_keyframes(const PathFile& file, const LatentMap& map, int z_dim,
                             const std::string& origin) {
  std::vector<torch::Tensor> keys;
  for (std::size_t i = 0; i < file.points.size(); ++i) {
    const auto& p = file.points[i];
    if (static_cast<int>(p.size()) == z_dim) {
      keys.push_back(torch::tensor(p));
    } else {
      if (map.empty())
        throw Error(origin + ":" + std::to_string(file.lines[i]) +
                    ": a 2-number map point, but the model file holds no latent map");
      keys.push_back(map_point(map, p[0], p[1]));
    }
  }
  return torch::stack(keys);
}

}  // namespace ngsynth
