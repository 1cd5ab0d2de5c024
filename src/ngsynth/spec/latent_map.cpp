// The map's torch-free half: checking the latents, placing them on the plane (robust
// ranges, a deterministic subsample of points), projection both ways, and the JSON and
// byte forms. The principal axes themselves come from model/latent_map_fit (LibTorch).
#include "ngsynth/spec/latent_map.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include <nlohmann/json.hpp>

#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"
#include "ngsynth/util/json_fields.h"

namespace ngsynth {
using nlohmann::json;

namespace {

constexpr float kPad = 0.05f;            // range padding, as a fraction of the span
constexpr double kLowQ = 0.01, kHighQ = 0.99;

// Linear-interpolation quantile of `x` (sorted in place).
double quantile(std::vector<double>& x, double q) {
  std::sort(x.begin(), x.end());
  const double pos = q * static_cast<double>(x.size() - 1);
  const std::size_t i = static_cast<std::size_t>(pos);
  if (i + 1 >= x.size()) return x.back();
  return x[i] + (pos - static_cast<double>(i)) * (x[i + 1] - x[i]);
}

// [1st, 99th] percentile, padded; never empty.
void robust_range(std::vector<double> x, float& lo, float& hi) {
  double a = quantile(x, kLowQ), b = quantile(x, kHighQ);
  const double span = b - a;
  if (!(span > 1e-12 * std::max({1.0, std::abs(a), std::abs(b)}))) {
    a -= 0.5;
    b += 0.5;
  } else {
    a -= kPad * span;
    b += kPad * span;
  }
  lo = static_cast<float>(a);
  hi = static_cast<float>(b);
}

// Sorted indices of `k` distinct rows out of n (partial Fisher-Yates, splitmix64 stream).
std::vector<std::size_t> subsample(std::size_t n, std::size_t k, uint64_t seed) {
  std::vector<std::size_t> index(n);
  std::iota(index.begin(), index.end(), std::size_t{0});
  if (k >= n) return index;
  for (std::size_t i = 0; i < k; ++i) {
    const uint64_t r = mix_seed(seed, i);
    const std::size_t range = n - i;
    const auto j = i + static_cast<std::size_t>(
                           (static_cast<unsigned __int128>(r) * range) >> 64);
    std::swap(index[i], index[j]);
  }
  index.resize(k);
  std::sort(index.begin(), index.end());
  return index;
}

void require_map(const LatentMap& m) {
  if (m.empty()) throw Error("latent map is empty");
}

uint32_t load_u32(const char* p) {
  uint32_t v = 0;
  for (int b = 3; b >= 0; --b) v = (v << 8) | static_cast<unsigned char>(p[b]);
  return v;
}

void store_u32(std::string& out, uint32_t v) {
  for (int b = 0; b < 4; ++b) out.push_back(static_cast<char>((v >> (8 * b)) & 0xff));
}

[[noreturn]] void bad_field(const char* field, const std::string& why) {
  throw Error(std::string("latent map field '") + field + "': " + why);
}

std::vector<float> read_floats(const json& j, const char* field, std::size_t size) {
  const auto it = j.find(field);
  if (it == j.end()) bad_field(field, "missing");
  if (!it->is_array()) bad_field(field, "expected an array of numbers");
  if (it->size() != size)
    bad_field(field, "expected " + std::to_string(size) + " numbers, found " +
                         std::to_string(it->size()));
  std::vector<float> out;
  out.reserve(size);
  for (const auto& v : *it) out.push_back(json_value<float>(v, std::string("latent map field '") + field + "'"));
  return out;
}

}  // namespace

void check_map_latents(const float* latents, std::size_t n, int z_dim,
                       const std::vector<int>& labels) {
  if (z_dim < 2) throw Error("latent map: z_dim " + std::to_string(z_dim) + " < 2");
  if (n < 2) throw Error("latent map: needs at least 2 latents, got " + std::to_string(n));
  if (labels.size() != n)
    throw Error("latent map: " + std::to_string(labels.size()) + " labels for " +
                std::to_string(n) + " latents");
  const std::size_t d = static_cast<std::size_t>(z_dim);
  for (std::size_t i = 0; i < n; ++i) {
    if (labels[i] < 0)
      throw Error("latent map: label " + std::to_string(labels[i]) + " of latent " +
                  std::to_string(i) + " is negative");
    for (std::size_t k = 0; k < d; ++k)
      if (!std::isfinite(latents[i * d + k]))
        throw Error("latent map: latent " + std::to_string(i) + " is not finite");
  }
}

void place_latents(LatentMap& m, const float* latents, std::size_t n,
                   const std::vector<int>& labels, std::size_t max_points, uint64_t seed) {
  require_map(m);
  const std::size_t d = static_cast<std::size_t>(m.z_dim);
  if (m.mean.size() != d || m.basis.size() != 2 * d)
    throw Error("latent map: axes do not match z_dim " + std::to_string(m.z_dim));
  if (labels.size() != n)
    throw Error("latent map: " + std::to_string(labels.size()) + " labels for " +
                std::to_string(n) + " latents");
  std::vector<double> xs(n), ys(n);
  for (std::size_t i = 0; i < n; ++i) {
    double x = 0, y = 0;
    for (std::size_t k = 0; k < d; ++k) {
      const double c = static_cast<double>(latents[i * d + k]) - m.mean[k];
      x += c * m.basis[k];
      y += c * m.basis[d + k];
    }
    xs[i] = x;
    ys[i] = y;
  }
  robust_range(xs, m.x_min, m.x_max);
  robust_range(ys, m.y_min, m.y_max);
  m.xy.clear();
  m.point_class.clear();
  for (std::size_t i : subsample(n, max_points, seed)) {
    m.xy.push_back(static_cast<float>(xs[i]));
    m.xy.push_back(static_cast<float>(ys[i]));
    m.point_class.push_back(labels[i]);
  }
}

std::array<float, 2> project(const LatentMap& m, const float* z) {
  require_map(m);
  double x = 0, y = 0;
  for (int k = 0; k < m.z_dim; ++k) {
    const double c = static_cast<double>(z[k]) - m.mean[k];
    x += c * m.basis[k];
    y += c * m.basis[m.z_dim + k];
  }
  return {static_cast<float>(x), static_cast<float>(y)};
}

std::vector<float> unproject(const LatentMap& m, float x, float y) {
  require_map(m);
  std::vector<float> z(m.z_dim);
  for (int k = 0; k < m.z_dim; ++k)
    z[k] = m.mean[k] + x * m.basis[k] + y * m.basis[m.z_dim + k];
  return z;
}

std::string points_bytes(const LatentMap& m) {
  const std::size_t n = m.point_class.size();
  if (m.xy.size() != 2 * n)
    throw Error("latent map: " + std::to_string(m.xy.size()) + " coordinates for " +
                std::to_string(n) + " points");
  std::string out;
  out.reserve(12 * n);
  for (float f : m.xy) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    store_u32(out, bits);
  }
  for (int c : m.point_class) store_u32(out, static_cast<uint32_t>(c));
  return out;
}

void set_points_bytes(LatentMap& m, const std::string& bytes) {
  if (bytes.size() % 12 != 0)
    throw Error("latent map points: " + std::to_string(bytes.size()) +
                " bytes is not a whole number of 12-byte points");
  const std::size_t n = bytes.size() / 12;
  std::vector<float> xy(2 * n);
  std::vector<int> classes(n);
  for (std::size_t i = 0; i < 2 * n; ++i) {
    const uint32_t bits = load_u32(bytes.data() + 4 * i);
    std::memcpy(&xy[i], &bits, 4);
    if (!std::isfinite(xy[i]))
      throw Error("latent map points: point " + std::to_string(i / 2) + " is not finite");
  }
  for (std::size_t i = 0; i < n; ++i) {
    classes[i] = static_cast<int32_t>(load_u32(bytes.data() + 8 * n + 4 * i));
    if (classes[i] < 0)
      throw Error("latent map points: point " + std::to_string(i) + " has class " +
                  std::to_string(classes[i]));
  }
  m.xy = std::move(xy);
  m.point_class = std::move(classes);
}

void to_json(json& j, const LatentMap& m) {
  j = json{{"z_dim", m.z_dim},         {"mean", m.mean},
           {"stddev", m.stddev},       {"basis", m.basis},
           {"explained", m.explained}, {"x_range", {m.x_min, m.x_max}},
           {"y_range", {m.y_min, m.y_max}}};
}

void from_json(const json& j, LatentMap& m) {
  if (!j.is_object()) throw Error("latent map: expected a JSON object");
  const auto z = j.find("z_dim");
  if (z == j.end()) bad_field("z_dim", "missing");
  LatentMap out;
  out.z_dim = json_value<int>(*z, "latent map field 'z_dim'");
  if (out.z_dim < 2 || out.z_dim > 1000000) bad_field("z_dim", std::to_string(out.z_dim) + " is not in 2..1000000");
  const std::size_t d = static_cast<std::size_t>(out.z_dim);
  out.mean = read_floats(j, "mean", d);
  out.stddev = read_floats(j, "stddev", d);
  for (float s : out.stddev)
    if (s < 0) bad_field("stddev", "negative value " + std::to_string(s));
  out.basis = read_floats(j, "basis", 2 * d);
  out.explained = read_floats(j, "explained", 2);
  for (float e : out.explained)
    if (e < 0 || e > 1) bad_field("explained", "fraction " + std::to_string(e) + " not in [0, 1]");
  for (const char* field : {"x_range", "y_range"}) {
    const auto r = read_floats(j, field, 2);
    if (!(r[0] < r[1])) bad_field(field, "minimum must be below maximum");
    (field[0] == 'x' ? out.x_min : out.y_min) = r[0];
    (field[0] == 'x' ? out.x_max : out.y_max) = r[1];
  }
  m = std::move(out);
}

}  // namespace ngsynth
