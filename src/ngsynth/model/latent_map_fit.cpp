#include "ngsynth/model/latent_map_fit.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace ngsynth {

LatentMap fit_latent_map(const float* latents, std::size_t n, int z_dim,
                         const std::vector<int>& labels, std::size_t max_points, uint64_t seed) {
  check_map_latents(latents, n, z_dim, labels);
  const torch::NoGradGuard no_grad;
  const torch::Tensor z =
      torch::from_blob(const_cast<float*>(latents),
                       {static_cast<int64_t>(n), static_cast<int64_t>(z_dim)}, torch::kFloat32)
          .to(torch::kFloat64);
  const torch::Tensor mean = z.mean(0);
  const torch::Tensor centred = z - mean;
  const torch::Tensor cov = centred.t().mm(centred) / static_cast<double>(n - 1);
  // eigh: eigenvalues ascending, eigenvectors as columns.
  const auto [values, vectors] = torch::linalg_eigh(cov);
  const double trace = cov.trace().item<double>();

  LatentMap m;
  m.z_dim = z_dim;
  const auto mu = mean.accessor<double, 1>();
  const auto c = cov.accessor<double, 2>();
  for (int k = 0; k < z_dim; ++k) {
    m.mean.push_back(static_cast<float>(mu[k]));
    m.stddev.push_back(static_cast<float>(std::sqrt(c[k][k])));
  }
  const auto value = values.accessor<double, 1>();
  const auto vector = vectors.accessor<double, 2>();
  for (int axis = 0; axis < 2; ++axis) {
    const int col = z_dim - 1 - axis;
    int largest = 0;
    double norm = 0;
    for (int k = 0; k < z_dim; ++k) {
      norm += vector[k][col] * vector[k][col];
      if (std::abs(vector[k][col]) > std::abs(vector[largest][col])) largest = k;
    }
    const double scale = (vector[largest][col] < 0 ? -1.0 : 1.0) / std::sqrt(norm);
    for (int k = 0; k < z_dim; ++k) m.basis.push_back(static_cast<float>(scale * vector[k][col]));
    m.explained.push_back(
        trace > 0 ? static_cast<float>(std::clamp(value[col] / trace, 0.0, 1.0)) : 0.0f);
  }
  place_latents(m, latents, n, labels, max_points, seed);
  return m;
}

}  // namespace ngsynth
