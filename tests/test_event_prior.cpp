// The class priors of the event embedding: fitted moments, sampling, temperature, blobs.
#include <gtest/gtest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "ngsynth/spec/event_prior.h"
#include "ngsynth/util/error.h"

namespace ngsynth {
namespace {

// Two classes in 2-D: class 0's events around (5, 0), class 1's around (-5, 3).
EventPrior two_class_prior(PriorKind kind) {
  std::vector<int> label;
  std::vector<float> mu, sigma;
  const std::vector<double> n = standard_normals(11, 400);
  for (int i = 0; i < 100; ++i) {
    const int c = i % 2;
    label.push_back(c);
    mu.push_back(float((c ? -5.0 : 5.0) + n[2 * i]));
    mu.push_back(float((c ? 3.0 : 0.0) + 0.5 * n[2 * i + 1]));
    sigma.push_back(0.1f);
    sigma.push_back(0.1f);
  }
  return fit_event_prior(kind, 2, 2, label, mu, sigma);
}

TEST(EventPrior, StandardNormalsHaveUnitMomentsAndDependOnlyOnTheSeed) {
  const auto a = standard_normals(5, 20000);
  double mean = 0, var = 0;
  for (double x : a) mean += x / a.size();
  for (double x : a) var += (x - mean) * (x - mean) / a.size();
  EXPECT_NEAR(mean, 0.0, 0.03);
  EXPECT_NEAR(var, 1.0, 0.04);
  EXPECT_EQ(a, standard_normals(5, 20000));
  EXPECT_NE(a, standard_normals(6, 20000));
}

TEST(EventPrior, GaussianSamplesHaveTheClassMomentsAndTemperatureScalesTheSpread) {
  const EventPrior p = two_class_prior(PriorKind::gaussian);
  for (int c = 0; c < 2; ++c) {
    double m0 = 0, m1 = 0, v0 = 0;
    const int n = 4000;
    for (int i = 0; i < n; ++i) {
      auto e = p.sample(c, 1.0, 100 + i);
      m0 += e[0] / n;
      m1 += e[1] / n;
      v0 += (e[0] - (c ? -5.0 : 5.0)) * (e[0] - (c ? -5.0 : 5.0)) / n;
    }
    EXPECT_NEAR(m0, c ? -5.0 : 5.0, 0.15);
    EXPECT_NEAR(m1, c ? 3.0 : 0.0, 0.1);
    EXPECT_NEAR(v0, 1.0, 0.25);  // spread of the event means (1) + posterior variance (0.01)
  }
  // Temperature 0: the class mean, whatever the seed.
  EXPECT_EQ(p.sample(1, 0.0, 1), p.sample(1, 0.0, 2));
  EXPECT_NEAR(p.sample(1, 0.0, 1)[0], p.class_mean[1][0], 1e-5);
  EXPECT_EQ(p.sample(0, 1.0, 9), p.sample(0, 1.0, 9));
  EXPECT_THROW(p.sample(2, 1.0, 1), Error);
  EXPECT_THROW(p.sample(0, -1.0, 1), Error);
}

TEST(EventPrior, MixtureSamplesLieAroundOneTrainingEventOfTheClass) {
  const EventPrior p = two_class_prior(PriorKind::mixture);
  for (uint64_t seed = 0; seed < 50; ++seed) {
    const auto e = p.sample(1, 1.0, seed);
    double nearest = 1e9;
    for (std::size_t i = 0; i < p.label.size(); ++i) {
      if (p.label[i] != 1) continue;
      nearest = std::min(nearest, double(std::hypot(e[0] - p.mu[2 * i], e[1] - p.mu[2 * i + 1])));
    }
    EXPECT_LT(nearest, 0.6);  // within 6 posterior sigmas of a class-1 event
  }
}

TEST(EventPrior, StandardKindAndEmptyPriorDrawFromTheUnitGaussian) {
  const EventPrior p = two_class_prior(PriorKind::gaussian);
  EventPrior empty;
  empty.embed_dim = 2;
  EXPECT_EQ(p.sample(PriorKind::standard, 0, 1.0, 3), empty.sample(0, 1.0, 3));
  EXPECT_NE(p.sample(PriorKind::gaussian, 0, 1.0, 3), empty.sample(0, 1.0, 3));
}

TEST(EventPrior, HeaderAndBlobRoundTrip) {
  const EventPrior p = two_class_prior(PriorKind::mixture);
  nlohmann::json j = p;
  EventPrior q = j.get<EventPrior>();
  set_prior_bytes(q, prior_bytes(p), j["events"].get<std::size_t>());
  EXPECT_EQ(q.kind, PriorKind::mixture);
  EXPECT_EQ(q.label, p.label);
  EXPECT_EQ(q.mu, p.mu);
  EXPECT_EQ(q.sample(0, 0.7, 5), p.sample(0, 0.7, 5));
  EXPECT_THROW(set_prior_bytes(q, prior_bytes(p).substr(4), 100), Error);
  EXPECT_THROW(parse_prior("flow"), Error);
  nlohmann::json bad = j;
  bad["kind"] = "flow";
  EXPECT_THROW(bad.get<EventPrior>(), Error);
}

TEST(EventPrior, TheLevelMatchScalesBySomeClassGainAndNeverPassesThePeakLimit) {
  EventPrior p = two_class_prior(PriorKind::gaussian);
  std::vector<float> hit = {0.1f, -0.2f, 0.05f};
  std::vector<float> same = hit;
  p.match_class(1, same, 1000);
  EXPECT_EQ(same, hit);  // no match fitted: nothing changes
  p.level_gain_db = {6.0206f, -20.0f};  // x2, x0.1
  p.peak_limit = 0.3f;
  std::vector<float> a = hit, b = hit;
  p.match_class(1, b, 1000);
  EXPECT_NEAR(b[1], -0.02f, 1e-6);
  p.match_class(0, a, 1000);  // x2 would peak at 0.4: lowered to the limit
  EXPECT_NEAR(a[1], -0.3f, 1e-6);
  EXPECT_NEAR(a[0], 0.15f, 1e-6);
  // Written and read with the prior; bad values are refused with the field's name.
  nlohmann::json j = p;
  const EventPrior q = j.get<EventPrior>();
  EXPECT_EQ(q.level_gain_db, p.level_gain_db);
  EXPECT_FLOAT_EQ(q.peak_limit, 0.3f);
  nlohmann::json bad = j;
  bad["level_gain_db"] = {1.0, 2.0, 3.0};
  EXPECT_THROW(bad.get<EventPrior>(), Error);
  bad["level_gain_db"] = {1.0, 1e9};
  EXPECT_THROW(bad.get<EventPrior>(), Error);
  bad = j;
  bad["peak_limit"] = 0;
  EXPECT_THROW(bad.get<EventPrior>(), Error);
}

TEST(EventPrior, TheDecayMatchFallsFromThePeakOnAtTheClassRate) {
  EventPrior p = two_class_prior(PriorKind::gaussian);
  const int rate = 1000;
  std::vector<float> hit(1000, 0.25f);
  hit[100] = -0.5f;  // the peak
  std::vector<float> a = hit;
  add_decay(a, 0, rate);
  EXPECT_EQ(a, hit);  // no decay: unchanged
  p.decay_db_per_s = {0.0f, 40.0f};
  p.match_class(0, a, rate);
  EXPECT_EQ(a, hit);  // class 0 has none
  p.match_class(1, a, rate);
  for (int k = 0; k <= 100; ++k) ASSERT_EQ(a[k], hit[k]) << k;  // up to the peak: as it was
  // 40 dB/s: 20 dB (x0.1) 0.5 s after the peak, 36 dB at 0.899 s.
  EXPECT_NEAR(a[600], 0.025f, 1e-5);
  EXPECT_NEAR(20 * std::log10(a[999] / 0.25), -40 * 0.899, 1e-3);
  for (int k = 102; k < 1000; ++k) ASSERT_LT(a[k], a[k - 1] + 1e-9f) << k;
  // Decay before gain: the gain and peak limit act on the decayed event.
  p.level_gain_db = {0.0f, 6.0206f};
  p.peak_limit = 1.0f;
  std::vector<float> b = hit;
  p.match_class(1, b, rate);
  EXPECT_NEAR(b[600], 0.05f, 1e-5);
  EXPECT_NEAR(b[100], -1.0f, 1e-5);
  // Written and read with the prior; bad values are refused with the field's name.
  nlohmann::json j = p;
  EXPECT_EQ(j.get<EventPrior>().decay_db_per_s, p.decay_db_per_s);
  for (const nlohmann::json& bad_value : {nlohmann::json{1.0}, nlohmann::json{1.0, -1.0},
                                          nlohmann::json{1.0, 5000.0}, nlohmann::json("x")}) {
    nlohmann::json bad = j;
    bad["decay_db_per_s"] = bad_value;
    try {
      (void)bad.get<EventPrior>();
      ADD_FAILURE() << bad_value;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("decay_db_per_s"), std::string::npos) << e.what();
    }
  }
  nlohmann::json older = j;
  older.erase("decay_db_per_s");
  EXPECT_TRUE(older.get<EventPrior>().decay_db_per_s.empty());  // files before the match
}

TEST(EventPrior, RejectsInconsistentPosteriors) {
  EXPECT_THROW(fit_event_prior(PriorKind::gaussian, 2, 2, {0, 1}, {0, 0, 0}, {1, 1, 1, 1}), Error);
  EXPECT_THROW(fit_event_prior(PriorKind::gaussian, 2, 2, {0, 2}, {0, 0, 0, 0}, {1, 1, 1, 1}),
               Error);
  EXPECT_THROW(fit_event_prior(PriorKind::gaussian, 2, 2, {0, 1}, {0, NAN, 0, 0}, {1, 1, 1, 1}),
               Error);
  // A class of a single event still gets a proper Gaussian (its posterior variance).
  const EventPrior one = fit_event_prior(PriorKind::gaussian, 2, 2, {0, 1, 1}, {1, 1, 0, 0, 2, 2},
                                         {0.5, 0.5, 0.1, 0.1, 0.1, 0.1});
  EXPECT_NEAR(one.class_chol[0][0], 0.5, 1e-6);
  EXPECT_NEAR(one.sample(0, 0.0, 1)[1], 1.0f, 1e-6);
}

}  // namespace
}  // namespace ngsynth
