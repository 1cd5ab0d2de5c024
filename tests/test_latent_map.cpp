// The latent map: PCA of synthetic data with known axes (LibTorch, as at export),
// projection both ways, the deterministic subsample, and the JSON and byte forms it
// travels in.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

#include <nlohmann/json.hpp>

#include "ngsynth/model/latent_map_fit.h"
#include "ngsynth/util/error.h"

namespace ngsynth {
namespace {
using nlohmann::json;

std::vector<double> normalised(std::vector<double> v) {
  double n = 0;
  for (double x : v) n += x * x;
  for (double& x : v) x /= std::sqrt(n);
  return v;
}

double dot(const std::vector<double>& a, const float* b) {
  double s = 0;
  for (std::size_t k = 0; k < a.size(); ++k) s += a[k] * b[k];
  return s;
}

// n points mean + s1*a*u1 + s2*b*u2 + noise*e, a, b, e standard normal; u1, u2 orthonormal.
struct Synthetic {
  int z_dim = 8;
  double s1 = 3.0, s2 = 1.5, noise = 0.3;
  std::vector<double> mean = {0.5, -1, 2, 0, 0.25, -0.5, 1, 3};
  std::vector<double> u1 = normalised({1, 2, 0, -1, 0, 0, 3, 0});
  std::vector<double> u2;
  std::vector<float> data;
  std::vector<int> labels;

  explicit Synthetic(std::size_t n, unsigned seed = 7, double sign = 1) {
    // u2: Gram-Schmidt of a second direction against u1.
    std::vector<double> v = {0, -1, 1, 0, 2, 1, 0, -1};
    double d = 0;
    for (int k = 0; k < z_dim; ++k) d += v[k] * u1[k];
    for (int k = 0; k < z_dim; ++k) v[k] -= d * u1[k];
    u2 = normalised(v);
    std::mt19937 rng(seed);
    std::normal_distribution<double> g;
    for (std::size_t i = 0; i < n; ++i) {
      const double a = g(rng), b = g(rng);
      for (int k = 0; k < z_dim; ++k)
        data.push_back(static_cast<float>(
            mean[k] + sign * (s1 * a * u1[k] + s2 * b * u2[k] + noise * g(rng))));
      labels.push_back(static_cast<int>(i % 3));
    }
  }
  LatentMap fit(std::size_t max_points = 500, uint64_t seed = 1) const {
    return fit_latent_map(data.data(), labels.size(), z_dim, labels, max_points, seed);
  }
};

TEST(LatentMap, RecoversTheAxesOfAnisotropicGaussianData) {
  const Synthetic s(20000);
  const LatentMap m = s.fit();
  ASSERT_EQ(m.z_dim, 8);
  ASSERT_EQ(m.mean.size(), 8u);
  ASSERT_EQ(m.stddev.size(), 8u);
  ASSERT_EQ(m.basis.size(), 16u);
  ASSERT_EQ(m.explained.size(), 2u);
  // Both axes unit length, orthogonal, and along the true directions.
  const float* b0 = m.basis.data();
  const float* b1 = m.basis.data() + 8;
  double n0 = 0, n1 = 0, cross = 0;
  for (int k = 0; k < 8; ++k) {
    n0 += b0[k] * b0[k];
    n1 += b1[k] * b1[k];
    cross += b0[k] * b1[k];
  }
  EXPECT_NEAR(n0, 1.0, 1e-5);
  EXPECT_NEAR(n1, 1.0, 1e-5);
  EXPECT_NEAR(cross, 0.0, 1e-5);
  EXPECT_GT(std::abs(dot(s.u1, b0)), 0.999);
  EXPECT_GT(std::abs(dot(s.u2, b1)), 0.995);
  // Variances: s1^2 + noise^2, s2^2 + noise^2, and noise^2 along each of the other 6.
  const double v1 = 9 + 0.09, v2 = 2.25 + 0.09, total = 9 + 2.25 + 8 * 0.09;
  EXPECT_NEAR(m.explained[0], v1 / total, 0.015);
  EXPECT_NEAR(m.explained[1], v2 / total, 0.01);
  for (int k = 0; k < 8; ++k) {
    EXPECT_NEAR(m.mean[k], s.mean[k], 0.05) << k;
    const double sd = std::sqrt(9 * s.u1[k] * s.u1[k] + 2.25 * s.u2[k] * s.u2[k] + 0.09);
    EXPECT_NEAR(m.stddev[k], sd, 0.03 * sd + 0.01) << k;
  }
  // 1st..99th percentile of N(0, 3.01^2) is about +-7.0, padded by 5 % of the span.
  EXPECT_NEAR(m.x_max, 7.0 * 1.1, 0.5);
  EXPECT_NEAR(m.x_min, -7.0 * 1.1, 0.5);
  EXPECT_NEAR(m.y_max, 3.56 * 1.1, 0.3);
  EXPECT_NEAR(m.y_min, -3.56 * 1.1, 0.3);
}

TEST(LatentMap, AxisSignsFollowTheLargestComponent) {
  // Mirrored data has the same axes; the sign rule must pick the same orientation.
  const LatentMap a = Synthetic(5000, 3, +1).fit(), b = Synthetic(5000, 3, -1).fit();
  for (int k = 0; k < 16; ++k) EXPECT_NEAR(a.basis[k], b.basis[k], 1e-4) << k;
  // Whatever the directions, each axis' largest-magnitude component is positive.
  std::mt19937 rng(11);
  std::normal_distribution<double> g;
  for (int trial = 0; trial < 10; ++trial) {
    std::vector<double> u1(6), u2(6);
    for (int k = 0; k < 6; ++k) u1[k] = g(rng), u2[k] = g(rng);
    u1 = normalised(u1);
    double d = 0;
    for (int k = 0; k < 6; ++k) d += u1[k] * u2[k];
    for (int k = 0; k < 6; ++k) u2[k] -= d * u1[k];
    u2 = normalised(u2);
    std::vector<float> data;
    for (int i = 0; i < 2000; ++i) {
      const double x = 3 * g(rng), y = 1.5 * g(rng);
      for (int k = 0; k < 6; ++k) data.push_back(float(x * u1[k] + y * u2[k] + 0.1 * g(rng)));
    }
    const LatentMap m = fit_latent_map(data.data(), 2000, 6, std::vector<int>(2000, 0), 10, 0);
    for (int axis = 0; axis < 2; ++axis) {
      const float* u = m.basis.data() + 6 * axis;
      EXPECT_GT(std::abs(dot(axis == 0 ? u1 : u2, u)), 0.99) << trial << " " << axis;
      int largest = 0;
      for (int k = 0; k < 6; ++k)
        if (std::abs(u[k]) > std::abs(u[largest])) largest = k;
      EXPECT_GT(u[largest], 0) << trial << " " << axis;
    }
  }
}

TEST(LatentMap, ProjectAndUnprojectRoundTrip) {
  const Synthetic s(2000);
  const LatentMap m = s.fit();
  for (float x : {-2.5f, 0.0f, 1.25f})
    for (float y : {-1.0f, 0.5f, 3.0f}) {
      const std::vector<float> z = unproject(m, x, y);
      ASSERT_EQ(z.size(), 8u);
      const auto p = project(m, z.data());
      EXPECT_NEAR(p[0], x, 1e-4);
      EXPECT_NEAR(p[1], y, 1e-4);
      // And a latent of the plane comes back unchanged.
      const std::vector<float> again = unproject(m, p[0], p[1]);
      for (int k = 0; k < 8; ++k) EXPECT_NEAR(again[k], z[k], 1e-4);
    }
  const auto origin = project(m, m.mean.data());
  EXPECT_NEAR(origin[0], 0, 1e-6);
  EXPECT_NEAR(origin[1], 0, 1e-6);
  EXPECT_THROW(project(LatentMap{}, m.mean.data()), Error);
  EXPECT_THROW(unproject(LatentMap{}, 0, 0), Error);
}

TEST(LatentMap, RangeIgnoresOutliers) {
  // 1000 points spread over [-1, 1] along the first axis, one far outlier.
  std::vector<float> data;
  std::vector<int> labels;
  for (int i = 0; i < 1000; ++i) {
    const float t = -1 + 2 * i / 999.0f;
    data.insert(data.end(), {t, 0.1f * std::sin(float(i)), 0});
    labels.push_back(0);
  }
  data.insert(data.end(), {1000, 0, 0});
  labels.push_back(1);
  const LatentMap m = fit_latent_map(data.data(), labels.size(), 3, labels, 5000, 0);
  EXPECT_LT(m.x_max - m.x_min, 3.0f);
  EXPECT_GT(m.x_max - m.x_min, 1.9f);
  EXPECT_EQ(m.point_class.size(), 1001u);
  EXPECT_EQ(m.point_class.back(), 1);
}

TEST(LatentMap, DegenerateDataStillHasAUsableRange) {
  std::vector<float> data(20, 0.5f);  // 10 identical latents of 2 dimensions
  const LatentMap m = fit_latent_map(data.data(), 10, 2, std::vector<int>(10, 0), 10, 0);
  EXPECT_LT(m.x_min, m.x_max);
  EXPECT_LT(m.y_min, m.y_max);
  EXPECT_EQ(m.explained[0], 0.0f);
  EXPECT_EQ(m.mean[1], 0.5f);
}

TEST(LatentMap, SubsampleIsDeterministicAndTrue) {
  // Labels are row numbers, so every kept point can be checked against its latent.
  Synthetic s(1000);
  for (int i = 0; i < 1000; ++i) s.labels[i] = i;
  const LatentMap a = s.fit(100, 42), b = s.fit(100, 42), c = s.fit(100, 43);
  ASSERT_EQ(a.point_class.size(), 100u);
  ASSERT_EQ(a.xy.size(), 200u);
  EXPECT_EQ(a.point_class, b.point_class);
  EXPECT_EQ(a.xy, b.xy);
  EXPECT_NE(a.point_class, c.point_class);
  EXPECT_TRUE(std::is_sorted(a.point_class.begin(), a.point_class.end()));
  EXPECT_EQ(std::adjacent_find(a.point_class.begin(), a.point_class.end()),
            a.point_class.end());
  for (std::size_t k = 0; k < 100; ++k) {
    const auto p = project(a, s.data.data() + 8 * a.point_class[k]);
    EXPECT_NEAR(a.xy[2 * k], p[0], 1e-4);
    EXPECT_NEAR(a.xy[2 * k + 1], p[1], 1e-4);
  }
  // The subsample covers the data rather than one end of it.
  EXPECT_LT(a.point_class.front(), 100);
  EXPECT_GT(a.point_class.back(), 900);
  // With no more rows than max_points, every row is kept in order.
  const LatentMap all = s.fit(1000, 42);
  ASSERT_EQ(all.point_class.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(all.point_class[i], i);
}

TEST(LatentMap, JsonAndPointBytesRoundTrip) {
  const LatentMap m = Synthetic(500).fit(50, 9);
  json j = m;
  ASSERT_FALSE(j.contains("xy"));
  const LatentMap back = json::parse(j.dump()).get<LatentMap>();
  EXPECT_EQ(back.z_dim, m.z_dim);
  EXPECT_EQ(back.mean, m.mean);
  EXPECT_EQ(back.stddev, m.stddev);
  EXPECT_EQ(back.basis, m.basis);
  EXPECT_EQ(back.explained, m.explained);
  EXPECT_EQ(back.x_min, m.x_min);
  EXPECT_EQ(back.x_max, m.x_max);
  EXPECT_EQ(back.y_min, m.y_min);
  EXPECT_EQ(back.y_max, m.y_max);
  EXPECT_TRUE(back.xy.empty());

  const std::string bytes = points_bytes(m);
  ASSERT_EQ(bytes.size(), 12u * 50);
  LatentMap with_points = back;
  set_points_bytes(with_points, bytes);
  EXPECT_EQ(with_points.xy, m.xy);
  EXPECT_EQ(with_points.point_class, m.point_class);

  // Little-endian float32, then int32.
  LatentMap one;
  one.xy = {1.0f, -2.0f};
  one.point_class = {258};
  EXPECT_EQ(points_bytes(one), std::string("\x00\x00\x80\x3f\x00\x00\x00\xc0\x02\x01\x00\x00", 12));
  set_points_bytes(one, "");
  EXPECT_TRUE(one.xy.empty());
  EXPECT_THROW(set_points_bytes(one, std::string(13, '\0')), Error);
  EXPECT_THROW(set_points_bytes(one, std::string("\0\0\0\0\0\0\0\0\xff\xff\xff\xff", 12)),
               Error);  // class -1
  one.point_class.push_back(0);  // 2 classes, 1 point
  EXPECT_THROW(points_bytes(one), Error);
}

TEST(LatentMap, MalformedJsonNamesTheField) {
  const json good = Synthetic(200).fit();
  const auto expect_field = [&](const char* field, const std::function<void(json&)>& spoil) {
    json j = good;
    spoil(j);
    try {
      (void)j.get<LatentMap>();
      ADD_FAILURE() << "accepted a bad " << field;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  expect_field("mean", [](json& j) { j["mean"].erase(0); });
  expect_field("stddev", [](json& j) { j["stddev"].push_back(1); });
  expect_field("stddev", [](json& j) { j["stddev"][0] = -1; });
  expect_field("basis", [](json& j) { j["basis"] = json::array({1, 2}); });
  expect_field("basis", [](json& j) { j["basis"][3] = "x"; });
  expect_field("explained", [](json& j) { j.erase("explained"); });
  expect_field("explained", [](json& j) { j["explained"][0] = 1.5; });
  expect_field("x_range", [](json& j) { j["x_range"] = json::array({1, -1}); });
  expect_field("y_range", [](json& j) { j["y_range"] = 3; });
  expect_field("z_dim", [](json& j) { j["z_dim"] = "eight"; });
  expect_field("z_dim", [](json& j) { j["z_dim"] = 1; });
  expect_field("mean", [](json& j) { j["z_dim"] = 9; });  // sizes no longer match
  EXPECT_THROW(json::array().get<LatentMap>(), Error);
}

TEST(LatentMap, RejectsBadInput) {
  const std::vector<float> data(12, 1.0f);
  const std::vector<int> labels(4, 0);
  EXPECT_THROW(fit_latent_map(data.data(), 1, 3, {0}, 10, 0), Error);        // n < 2
  EXPECT_THROW(fit_latent_map(data.data(), 12, 1, std::vector<int>(12, 0), 10, 0),
               Error);                                                       // z_dim < 2
  EXPECT_THROW(fit_latent_map(data.data(), 4, 3, {0, 0, 0}, 10, 0), Error);  // labels
  EXPECT_THROW(fit_latent_map(data.data(), 4, 3, {0, 0, -1, 0}, 10, 0), Error);
  std::vector<float> bad = data;
  bad[7] = std::nanf("");
  try {
    fit_latent_map(bad.data(), 4, 3, labels, 10, 0);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("latent 2"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ngsynth
