// PCA in double precision: the covariance of the centred latents, then a cyclic Jacobi
// eigen solver (robust for any symmetric matrix, repeated eigenvalues included; a 128x128
// covariance takes a few milliseconds), of which the two largest eigenpairs are kept.
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

// Symmetric n x n matrix `a` (row-major, destroyed) -> eigenvalues (diagonal) and
// eigenvectors (columns of v), by cyclic Jacobi rotations.
void jacobi_eigen(std::vector<double>& a, int n, std::vector<double>& values,
                  std::vector<double>& v) {
  const auto at = [n](std::vector<double>& m, int r, int c) -> double& {
    return m[static_cast<std::size_t>(r) * n + c];
  };
  v.assign(static_cast<std::size_t>(n) * n, 0.0);
  for (int i = 0; i < n; ++i) at(v, i, i) = 1.0;
  double total = 0;
  for (double x : a) total += x * x;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0;
    for (int p = 0; p < n; ++p)
      for (int q = p + 1; q < n; ++q) off += at(a, p, q) * at(a, p, q);
    // Off-diagonal norm 1e-13 of the whole: eigenvalues exact to ~1e-26, axes to ~1e-13.
    if (off <= 1e-26 * total) break;
    for (int p = 0; p < n; ++p)
      for (int q = p + 1; q < n; ++q) {
        const double apq = at(a, p, q);
        if (apq == 0) continue;
        const double theta = (at(a, q, q) - at(a, p, p)) / (2 * apq);
        const double t = std::abs(theta) > 1e150
                             ? 0.5 / theta
                             : (theta >= 0 ? 1.0 : -1.0) /
                                   (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < n; ++k) {  // columns p, q of A and V
          const double akp = at(a, k, p), akq = at(a, k, q);
          at(a, k, p) = c * akp - s * akq;
          at(a, k, q) = s * akp + c * akq;
          const double vkp = at(v, k, p), vkq = at(v, k, q);
          at(v, k, p) = c * vkp - s * vkq;
          at(v, k, q) = s * vkp + c * vkq;
        }
        for (int k = 0; k < n; ++k) {  // rows p, q of A
          const double apk = at(a, p, k), aqk = at(a, q, k);
          at(a, p, k) = c * apk - s * aqk;
          at(a, q, k) = s * apk + c * aqk;
        }
        at(a, p, q) = at(a, q, p) = 0;
      }
  }
  values.resize(n);
  for (int i = 0; i < n; ++i) values[i] = at(a, i, i);
}

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

LatentMap fit_latent_map(const float* latents, std::size_t n, int z_dim,
                         const std::vector<int>& labels, std::size_t max_points, uint64_t seed) {
  if (z_dim < 2) throw Error("latent map: z_dim " + std::to_string(z_dim) + " < 2");
  if (n < 2) throw Error("latent map: needs at least 2 latents, got " + std::to_string(n));
  if (labels.size() != n)
    throw Error("latent map: " + std::to_string(labels.size()) + " labels for " +
                std::to_string(n) + " latents");
  const std::size_t d = static_cast<std::size_t>(z_dim);
  const auto row = [&](std::size_t i) { return latents + i * d; };
  for (std::size_t i = 0; i < n; ++i) {
    if (labels[i] < 0)
      throw Error("latent map: label " + std::to_string(labels[i]) + " of latent " +
                  std::to_string(i) + " is negative");
    for (std::size_t k = 0; k < d; ++k)
      if (!std::isfinite(row(i)[k]))
        throw Error("latent map: latent " + std::to_string(i) + " is not finite");
  }

  std::vector<double> mean(d, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < d; ++k) mean[k] += row(i)[k];
  for (double& x : mean) x /= static_cast<double>(n);
  std::vector<double> cov(d * d, 0.0), centred(d);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < d; ++k) centred[k] = row(i)[k] - mean[k];
    for (std::size_t r = 0; r < d; ++r) {
      double* out = &cov[r * d];
      const double cr = centred[r];
      for (std::size_t c = r; c < d; ++c) out[c] += cr * centred[c];
    }
  }
  for (std::size_t r = 0; r < d; ++r)
    for (std::size_t c = r; c < d; ++c) {
      cov[r * d + c] /= static_cast<double>(n - 1);
      cov[c * d + r] = cov[r * d + c];
    }

  LatentMap m;
  m.z_dim = z_dim;
  double trace = 0;
  for (std::size_t k = 0; k < d; ++k) {
    m.mean.push_back(static_cast<float>(mean[k]));
    m.stddev.push_back(static_cast<float>(std::sqrt(cov[k * d + k])));
    trace += cov[k * d + k];
  }

  std::vector<double> values, vectors;
  jacobi_eigen(cov, z_dim, values, vectors);
  std::vector<int> order(d);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return values[a] > values[b]; });
  for (int axis = 0; axis < 2; ++axis) {
    const int col = order[axis];
    std::vector<double> u(d);
    double norm = 0;
    std::size_t largest = 0;
    for (std::size_t k = 0; k < d; ++k) {
      u[k] = vectors[k * d + col];
      norm += u[k] * u[k];
      if (std::abs(u[k]) > std::abs(u[largest])) largest = k;
    }
    const double sign = u[largest] < 0 ? -1.0 : 1.0;
    for (double x : u) m.basis.push_back(static_cast<float>(sign * x / std::sqrt(norm)));
    m.explained.push_back(
        trace > 0 ? static_cast<float>(std::max(values[col], 0.0) / trace) : 0.0f);
  }

  std::vector<double> xs(n), ys(n);
  for (std::size_t i = 0; i < n; ++i) {
    double x = 0, y = 0;
    for (std::size_t k = 0; k < d; ++k) {
      const double c = row(i)[k] - mean[k];
      x += c * m.basis[k];
      y += c * m.basis[d + k];
    }
    xs[i] = x;
    ys[i] = y;
  }
  robust_range(xs, m.x_min, m.x_max);
  robust_range(ys, m.y_min, m.y_max);
  for (std::size_t i : subsample(n, max_points, seed)) {
    m.xy.push_back(static_cast<float>(xs[i]));
    m.xy.push_back(static_cast<float>(ys[i]));
    m.point_class.push_back(labels[i]);
  }
  return m;
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
