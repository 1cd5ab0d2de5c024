// The latent map: a 2-D picture of the grain latent space. Principal component analysis of
// the training grains' latents gives the two directions along which they vary most; every
// latent z projects to a point (x, y) of that plane, and every point of the plane maps back
// to a playable latent mean + x*axis1 + y*axis2. The map travels in the model file: its
// axes and ranges as JSON in the header, a subsample of projected training grains (with
// their classes, for drawing) as a blob of bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace ngsynth {

struct LatentMap {
  int z_dim = 0;
  std::vector<float> mean;       // (z_dim) mean of the training latents
  std::vector<float> stddev;     // (z_dim) per-dimension standard deviation
  std::vector<float> basis;      // (2 * z_dim) row-major: first and second principal axes, unit length
  std::vector<float> explained;  // (2) fraction of total variance along each axis
  // Range of the projected training latents: 1st..99th percentile, padded by 5 % on each
  // side, so that a few outliers do not squash the map into a corner.
  float x_min = 0, x_max = 0, y_min = 0, y_max = 0;
  std::vector<float> xy;         // (2 * n_points) projected points, for drawing
  std::vector<int> point_class;  // (n_points) class index of each point
  bool empty() const { return z_dim == 0; }
  std::size_t n_points() const { return point_class.size(); }
};

// The principal axes are found by fit_latent_map (model/latent_map_fit.h, LibTorch), at
// export; what follows needs no LibTorch.

// Error unless z_dim >= 2, n >= 2, labels.size() == n, every label >= 0 and every latent
// (row-major n x z_dim) finite; the messages name the first bad latent.
void check_map_latents(const float* latents, std::size_t n, int z_dim,
                       const std::vector<int>& labels);
// m's axes (z_dim, mean, basis) given: projects the n latents, sets the ranges from them
// and keeps at most max_points of them, projected, in xy with their labels (a deterministic
// subsample drawn with `seed`, in their original order; all of them when n <= max_points).
void place_latents(LatentMap& m, const float* latents, std::size_t n,
                   const std::vector<int>& labels, std::size_t max_points, uint64_t seed);

// z (z_dim numbers) -> map point (x, y); Error if the map is empty.
std::array<float, 2> project(const LatentMap& m, const float* z);
// Map point (x, y) -> z = mean + x * axis1 + y * axis2; Error if the map is empty.
std::vector<float> unproject(const LatentMap& m, float x, float y);

// The points as bytes for a blob: little-endian float32 xy (2 per point), then int32 classes.
std::string points_bytes(const LatentMap& m);
// Replaces m's points; Error if the size is not a multiple of 12 bytes or a value is invalid.
void set_points_bytes(LatentMap& m, const std::string& bytes);

// Everything but the points: {"z_dim", "mean", "stddev", "basis", "explained", "x_range",
// "y_range"}. from_json validates every size and value (Error naming the field) and leaves
// the map without points.
void to_json(nlohmann::json& j, const LatentMap& m);
void from_json(const nlohmann::json& j, LatentMap& m);

}  // namespace ngsynth
