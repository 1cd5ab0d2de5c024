// Where new events are drawn in the event embedding. A VAE samples its prior N(0, I), but
// the aggregate posterior of a trained event VAE does not fill it: with ~10 nats per event
// the training events occupy a small part of the ball, and the embedding also says which
// class an event is (the encoder sees a kick's latents), so a random embedding decoded
// with the class "kick" can come out as a tom. The priors here sample where the events of
// each class actually lie, from the posteriors of the training events (Tomczak & Welling
// 2018 call the mixture of posteriors the "VampPrior"):
//   standard   N(0, T^2 I): the VAE's own prior (models exported before the class priors)
//   gaussian   per class, the moment-matched Gaussian of the class's posterior mixture:
//              mean m_c, covariance cov(mu_i) + mean(sigma_i^2) over the class's events;
//              e = m_c + T L_c eps (L_c its Cholesky factor). New events between the real ones.
//   mixture    per class, the mixture of its training events' posteriors: pick event i of
//              the class, e = mu_i + T sigma_i eps. Closest to the real events.
// Torch-free, with its own counter-based normal generator, so that a seed gives the same
// embedding on every machine and in every front-end.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "ngsynth/util/enum_names.h"

namespace ngsynth {

enum class PriorKind { standard, gaussian, mixture };
NGSYNTH_ENUM_NAMES(PriorKind, "standard", "gaussian", "mixture");
inline const char* prior_name(PriorKind k) { return enum_name(k); }
// "standard", "gaussian" or "mixture"; Error listing them otherwise.
PriorKind parse_prior(const std::string& name);
// The names, for the command line's choices.
const std::vector<std::string>& prior_names();

struct EventPrior {
  PriorKind kind = PriorKind::standard;  // what `sample` draws from by default
  int embed_dim = 0;
  int n_classes = 0;
  // The posteriors of the training events: label (n), mu and sigma (n * embed_dim).
  std::vector<int> label;
  std::vector<float> mu, sigma;
  // Derived by `finish` from the above, per class: mean (embed_dim) and lower Cholesky
  // factor of the covariance (embed_dim^2, row-major); empty for a class without events.
  std::vector<std::vector<double>> class_mean, class_chol;
  // The decay and level match, fitted at export (train/export.h, fit_levels). A VAE's
  // samples ring longer than the events it learnt from (toms hold their level for 590 ms
  // where real ones fall 20 dB within 175) and come out quieter, the more so the nearer
  // they lie to the mean. Per class: an extra decay in dB per second from the sampled
  // event's peak on, the least that brings the median decay time of events sampled from
  // the default prior to that of the class's training events (0 where they do not ring
  // longer); then the gain in dB that brings their median RMS to the training events';
  // and the peak no sampled event may exceed (the loudest training event's).
  // Empty / 0 (older files): no match.
  std::vector<float> decay_db_per_s;
  std::vector<float> level_gain_db;
  float peak_limit = 0;

  bool empty() const { return label.empty(); }
  // Makes `k` the default; Error when k needs the class posteriors and there are none.
  void select(PriorKind k);
  std::size_t events_of(int c) const;
  // Computes the per-class Gaussians; Error on inconsistent sizes or values.
  void finish();
  // One embedding (embed_dim) of class `c` at `temperature`, drawn with `kind` (the
  // standard prior when the prior is empty or the class has no events).
  std::vector<float> sample(PriorKind kind, int c, double temperature, uint64_t seed) const;
  std::vector<float> sample(int c, double temperature, uint64_t seed) const {
    return sample(kind, c, temperature, seed);
  }
  // Brings an event sampled for class `c` (at `sample_rate`) to its class's decay and
  // level: the extra decay, then the gain, lowered where the peak would pass peak_limit.
  // Nothing without a match.
  void match_class(int c, std::vector<float>& audio, int sample_rate) const;
};

// Multiplies `audio` after its largest-magnitude sample by a decay of `db_per_s` (the
// sample itself and all before it unchanged); nothing for db_per_s <= 0.
void add_decay(std::vector<float>& audio, double db_per_s, int sample_rate);

// The prior from the training events' posteriors; Error if sizes disagree.
EventPrior fit_event_prior(PriorKind kind, int embed_dim, int n_classes, std::vector<int> label,
                           std::vector<float> mu, std::vector<float> sigma);

// N(0, 1) numbers from a counter-based generator (splitmix64 + Box-Muller): n values for
// `seed`, identical on every machine.
std::vector<double> standard_normals(uint64_t seed, std::size_t n);

// Header JSON {"kind", "embed_dim", "n_classes", "events"[, "level_gain_db", "peak_limit"]
// [, "decay_db_per_s"]};
// the posteriors go in a blob:
// little-endian int32 labels, then float32 mu, then float32 sigma.
void to_json(nlohmann::json& j, const EventPrior& p);
void from_json(const nlohmann::json& j, EventPrior& p);  // leaves the posteriors empty
std::string prior_bytes(const EventPrior& p);
// Fills the posteriors from a blob and calls finish(); Error on a wrong size or value.
void set_prior_bytes(EventPrior& p, const std::string& bytes, std::size_t events);

}  // namespace ngsynth
