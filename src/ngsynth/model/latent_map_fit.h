// The latent map's principal axes (spec/latent_map.h), found at export by principal
// component analysis of the training grains' latents: mean, covariance and its symmetric
// eigendecomposition in double precision through LibTorch (LAPACK), then the torch-free
// placement of the points.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ngsynth/spec/latent_map.h"

namespace ngsynth {

// PCA of n latent vectors (row-major n x z_dim), labels[i] >= 0 the class of row i. The
// two axes of largest variance, unit length; each axis' sign is fixed so that its
// largest-magnitude component is positive. Points as place_latents (at most max_points,
// drawn with `seed`). Errors as check_map_latents.
LatentMap fit_latent_map(const float* latents, std::size_t n, int z_dim,
                         const std::vector<int>& labels, std::size_t max_points, uint64_t seed);

}  // namespace ngsynth
