#include "ngsynth/synth/latent_path.h"

#include <cmath>

#include "ngsynth/runtime/paths.h"
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
  return interpolate_series(torch::stack({a, b}).unsqueeze(0),
                            rt::loop_positions(n, pass_grains, random_step, seed));
}

torch::Tensor sound_point(GrainVae& vae, const std::vector<float>& audio) {
  torch::Tensor z = encode_sound(vae, audio);  // (1, n, z)
  torch::Tensor grains = vae->framing().slice(sound_tensor(vae, audio));
  const int64_t loudest = grains.square().sum(-1).argmax(1).item<int64_t>();
  return z[0][loudest].to(torch::kCPU);
}

torch::Tensor random_point(const LatentMap& map, double temperature, uint64_t seed) {
  return torch::tensor(rt::random_point(map, temperature, seed));  // as the instrument draws it
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
