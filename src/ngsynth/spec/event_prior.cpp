#include "ngsynth/spec/event_prior.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <nlohmann/json.hpp>

#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"
#include "ngsynth/util/json_fields.h"

namespace ngsynth {
using nlohmann::json;

const std::vector<std::string>& prior_names() {
  static const std::vector<std::string> names(EnumNames<PriorKind>::names.begin(),
                                              EnumNames<PriorKind>::names.end());
  return names;
}

PriorKind parse_prior(const std::string& name) {
  const auto k = enum_from_name<PriorKind>(name);
  if (!k) throw Error("unknown event prior '" + name + "' (valid: " + enum_choices<PriorKind>() + ")");
  return *k;
}

void EventPrior::select(PriorKind k) {
  if (k != PriorKind::standard && empty())
    throw Error("the model has no class priors: export it again with this version of ngsynth "
                "(`ngsynth export RUN -o MODEL.ngs`)");
  kind = k;
}

std::vector<double> standard_normals(uint64_t seed, std::size_t n) {
  std::vector<double> out(n);
  constexpr double kTwoPi = 6.283185307179586;
  for (std::size_t i = 0; i < n; i += 2) {
    // Two uniforms in (0, 1] from the counter, then Box-Muller.
    const uint64_t a = mix_seed(seed, 2 * i), b = mix_seed(seed, 2 * i + 1);
    const double u1 = (double(a >> 11) + 1.0) * 0x1.0p-53, u2 = double(b >> 11) * 0x1.0p-53;
    const double r = std::sqrt(-2.0 * std::log(u1));
    out[i] = r * std::cos(kTwoPi * u2);
    if (i + 1 < n) out[i + 1] = r * std::sin(kTwoPi * u2);
  }
  return out;
}

std::size_t EventPrior::events_of(int c) const {
  std::size_t n = 0;
  for (int l : label) n += l == c;
  return n;
}

namespace {

// In-place lower Cholesky factor of a symmetric positive-definite n x n matrix.
void cholesky(std::vector<double>& a, int n) {
  for (int j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (int k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0)) throw Error("event prior: class covariance is not positive definite");
    const double l = std::sqrt(d);
    a[j * n + j] = l;
    for (int i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (int k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / l;
    }
    for (int k = j + 1; k < n; ++k) a[j * n + k] = 0;
  }
}

}  // namespace

void EventPrior::finish() {
  const std::size_t n = label.size(), e = static_cast<std::size_t>(embed_dim);
  if (embed_dim < 1 || n_classes < 0) throw Error("event prior: invalid sizes");
  if (mu.size() != n * e || sigma.size() != n * e)
    throw Error("event prior: posteriors do not match the number of events");
  for (int l : label)
    if (l < 0 || (n_classes > 0 && l >= n_classes)) throw Error("event prior: invalid class");
  for (std::size_t i = 0; i < mu.size(); ++i)
    if (!std::isfinite(mu[i]) || !(sigma[i] >= 0) || !std::isfinite(sigma[i]))
      throw Error("event prior: invalid posterior value");
  const int classes = std::max(n_classes, 1);
  class_mean.assign(classes, {});
  class_chol.assign(classes, {});
  for (int c = 0; c < classes; ++c) {
    const std::size_t count = events_of(c);
    if (count == 0) continue;
    std::vector<double> m(e, 0.0), cov(e * e, 0.0), var(e, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      if (label[i] != c) continue;
      for (std::size_t d = 0; d < e; ++d) {
        m[d] += mu[i * e + d] / count;
        var[d] += double(sigma[i * e + d]) * sigma[i * e + d] / count;
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (label[i] != c) continue;
      for (std::size_t r = 0; r < e; ++r)
        for (std::size_t k = 0; k < e; ++k)
          cov[r * e + k] += (mu[i * e + r] - m[r]) * (mu[i * e + k] - m[k]) / count;
    }
    // The mixture's covariance: spread of the means plus the mean posterior variance
    // (floored, so that a class of one event still has a proper Gaussian).
    for (std::size_t d = 0; d < e; ++d) cov[d * e + d] += std::max(var[d], 1e-6);
    cholesky(cov, embed_dim);
    class_mean[c] = std::move(m);
    class_chol[c] = std::move(cov);
  }
}

std::vector<float> EventPrior::sample(PriorKind k, int c, double temperature,
                                      uint64_t seed) const {
  if (!(temperature >= 0) || !std::isfinite(temperature))
    throw Error("temperature must be a number >= 0");
  const std::size_t e = static_cast<std::size_t>(embed_dim);
  const int cls = n_classes > 0 ? c : 0;
  if (n_classes > 0 && (c < 0 || c >= n_classes))
    throw Error("event prior: class index " + std::to_string(c) + " out of range");
  const std::vector<double> eps = standard_normals(mix_seed(seed, 0x9e17), e);
  std::vector<float> out(e);
  const bool have_class = !empty() && cls < int(class_mean.size()) && !class_mean[cls].empty();
  if (k == PriorKind::standard || !have_class) {
    for (std::size_t d = 0; d < e; ++d) out[d] = float(temperature * eps[d]);
    return out;
  }
  if (k == PriorKind::gaussian) {
    const auto& m = class_mean[cls];
    const auto& l = class_chol[cls];
    for (std::size_t r = 0; r < e; ++r) {
      double s = 0;
      for (std::size_t q = 0; q <= r; ++q) s += l[r * e + q] * eps[q];
      out[r] = float(m[r] + temperature * s);
    }
    return out;
  }
  // Mixture: one of the class's training events, chosen by the seed.
  const std::size_t pick = mix_seed(seed, 0x51c7) % events_of(cls);
  std::size_t i = 0;
  for (std::size_t seen = 0;; ++i)
    if (label[i] == cls && seen++ == pick) break;
  for (std::size_t d = 0; d < e; ++d)
    out[d] = float(mu[i * e + d] + temperature * sigma[i * e + d] * eps[d]);
  return out;
}

EventPrior fit_event_prior(PriorKind kind, int embed_dim, int n_classes, std::vector<int> label,
                           std::vector<float> mu, std::vector<float> sigma) {
  EventPrior p;
  p.kind = kind;
  p.embed_dim = embed_dim;
  p.n_classes = n_classes;
  p.label = std::move(label);
  p.mu = std::move(mu);
  p.sigma = std::move(sigma);
  p.finish();
  return p;
}

void add_decay(std::vector<float>& audio, double db_per_s, int sample_rate) {
  if (!(db_per_s > 0) || audio.empty() || sample_rate <= 0) return;
  std::size_t peak = 0;
  for (std::size_t k = 1; k < audio.size(); ++k)
    if (std::abs(audio[k]) > std::abs(audio[peak])) peak = k;
  const double step = std::pow(10.0, -db_per_s / (20.0 * sample_rate));
  double g = 1;
  for (std::size_t k = peak + 1; k < audio.size(); ++k) {
    g *= step;
    audio[k] = static_cast<float>(audio[k] * g);
  }
}

void EventPrior::match_class(int c, std::vector<float>& audio, int sample_rate) const {
  const auto index = [c](const std::vector<float>& v) {
    return c >= 0 && static_cast<std::size_t>(c) < v.size() ? static_cast<std::size_t>(c) : 0;
  };
  if (!decay_db_per_s.empty()) add_decay(audio, decay_db_per_s[index(decay_db_per_s)], sample_rate);
  if (level_gain_db.empty()) return;
  const std::size_t k = index(level_gain_db);
  float gain = std::pow(10.0f, level_gain_db[k] / 20.0f), top = 0;
  for (float v : audio) top = std::max(top, std::abs(v));
  if (peak_limit > 0 && top * gain > peak_limit) gain = peak_limit / top;
  for (float& v : audio) v *= gain;
}

void to_json(json& j, const EventPrior& p) {
  j = {{"kind", prior_name(p.kind)},
       {"embed_dim", p.embed_dim},
       {"n_classes", p.n_classes},
       {"events", p.label.size()}};
  if (!p.level_gain_db.empty()) {
    j["level_gain_db"] = p.level_gain_db;
    j["peak_limit"] = p.peak_limit;
  }
  if (!p.decay_db_per_s.empty()) j["decay_db_per_s"] = p.decay_db_per_s;
}

void from_json(const json& j, EventPrior& p) {
  try {
    p = EventPrior{};
    p.kind = parse_prior(j.at("kind").get<std::string>());
    p.embed_dim = j.at("embed_dim").get<int>();
    p.n_classes = j.at("n_classes").get<int>();
  } catch (const json::exception& e) {
    throw Error(std::string("event prior: ") + e.what());
  }
  if (p.embed_dim < 1 || p.embed_dim > 4096 || p.n_classes < 0 || p.n_classes > 4096)
    throw Error("event prior: invalid sizes");
  // One value per class (one for an unconditional model), each within [lo, hi].
  const auto per_class = [&](const char* field, float lo, float hi, const char* unit) {
    const std::string name = std::string("event prior ") + field;
    auto v = json_value<std::vector<float>>(j.at(field), name);
    if (v.size() != static_cast<std::size_t>(std::max(p.n_classes, 1)))
      throw Error(name + ": one value per class expected");
    for (float x : v)
      if (!(x >= lo && x <= hi))
        throw Error(name + ": values must be within " + std::to_string(int(lo)) + ".." +
                    std::to_string(int(hi)) + " " + unit);
    return v;
  };
  if (j.contains("level_gain_db")) {
    p.level_gain_db = per_class("level_gain_db", -40, 40, "dB");
    p.peak_limit = json_value<float>(j.value("peak_limit", json(1.0)), "event prior peak_limit");
    if (!(p.peak_limit > 0 && p.peak_limit <= 1))
      throw Error("event prior peak_limit: must be within (0, 1]");
  }
  if (j.contains("decay_db_per_s")) p.decay_db_per_s = per_class("decay_db_per_s", 0, 1000, "dB/s");
}

std::string prior_bytes(const EventPrior& p) {
  const std::size_t n = p.label.size();
  std::string out(n * 4 + (p.mu.size() + p.sigma.size()) * 4, '\0');
  char* o = out.data();
  for (int l : p.label) {
    const int32_t v = l;
    std::memcpy(o, &v, 4);
    o += 4;
  }
  std::memcpy(o, p.mu.data(), p.mu.size() * 4);
  std::memcpy(o + p.mu.size() * 4, p.sigma.data(), p.sigma.size() * 4);
  return out;
}

void set_prior_bytes(EventPrior& p, const std::string& bytes, std::size_t events) {
  const std::size_t e = static_cast<std::size_t>(p.embed_dim);
  if (events > (1u << 24) || bytes.size() != events * 4 + 2 * events * e * 4)
    throw Error("event prior: blob does not match its header");
  p.label.resize(events);
  p.mu.resize(events * e);
  p.sigma.resize(events * e);
  const char* b = bytes.data();
  for (std::size_t i = 0; i < events; ++i, b += 4) {
    int32_t v;
    std::memcpy(&v, b, 4);
    p.label[i] = v;
  }
  std::memcpy(p.mu.data(), b, events * e * 4);
  std::memcpy(p.sigma.data(), b + events * e * 4, events * e * 4);
  p.finish();
}

}  // namespace ngsynth
