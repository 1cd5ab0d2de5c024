#include "ngsynth/train/export.h"

#include <algorithm>
#include <cmath>

#include "ngsynth/audio/levels.h"
#include "ngsynth/eval/evaluate.h"
#include "ngsynth/model/batcher.h"
#include "ngsynth/model/device.h"
#include "ngsynth/model/latent_map_fit.h"
#include "ngsynth/synth/event.h"
#include "ngsynth/train/checkpoint.h"
#include "ngsynth/util/error.h"

namespace ngsynth {
namespace fs = std::filesystem;

LatentMap compute_latent_map(GrainVae& vae, const std::vector<std::string>& model_classes,
                             const Dataset& data, std::size_t max_points, uint64_t seed) {
  const GrainOptions& o = vae->options();
  check_dataset_fits(data, o);
  const auto idx = data.indices(Split::train);
  const torch::Tensor mu =
      encode_events(vae, data, idx, module_device(*vae)).to(torch::kCPU).contiguous();
  const torch::Tensor label =
      model_labels(data, idx, map_classes(model_classes, data.classes, o.conditional));
  // Grains quieter than -60 dBFS (the tails of short hits) all sit on one spot.
  const torch::Tensor audio = Batcher(data, idx, static_cast<int>(idx.size()), 0).chunk(0).audio;
  const torch::Tensor loud = vae->framing().slice(audio).square().mean(-1).sqrt() > 1e-3;
  auto is_loud = loud.accessor<bool, 2>();
  auto l = label.accessor<int64_t, 1>();
  std::vector<float> latents;
  std::vector<int> labels;
  const float* z = mu.data_ptr<float>();
  for (int64_t i = 0; i < mu.size(0); ++i)
    for (int64_t g = 0; g < mu.size(1); ++g, z += o.z_dim) {
      if (!is_loud[i][g]) continue;
      latents.insert(latents.end(), z, z + o.z_dim);
      labels.push_back(static_cast<int>(l[i]));
    }
  return fit_latent_map(latents.data(), labels.size(), o.z_dim, labels, max_points, seed);
}

EventPrior fit_class_priors(GrainVae& vae, EventVae& event,
                            const std::vector<std::string>& model_classes, const Dataset& data,
                            PriorKind kind, const torch::Tensor& train_latents) {
  const GrainOptions& o = vae->options();
  check_dataset_fits(data, o);
  const auto idx = data.indices(Split::train);
  const torch::Tensor labels =
      model_labels(data, idx, map_classes(model_classes, data.classes, o.conditional));
  torch::NoGradGuard no_grad;
  event->eval();
  const torch::Tensor z =
      train_latents.defined() ? train_latents : encode_events(vae, data, idx, module_device(*vae));
  std::vector<torch::Tensor> mus, sigmas;
  for (int64_t i = 0; i < z.size(0); i += 64) {
    Posterior p = event->encode(z.slice(0, i, std::min<int64_t>(i + 64, z.size(0))));
    mus.push_back(p.mu.to(torch::kCPU));
    sigmas.push_back((0.5 * p.logvar).exp().to(torch::kCPU));
  }
  const torch::Tensor mu = torch::cat(mus).contiguous(), sigma = torch::cat(sigmas).contiguous();
  std::vector<int> label(idx.size());
  for (std::size_t i = 0; i < idx.size(); ++i)
    label[i] = o.conditional ? static_cast<int>(labels[i].item<int64_t>()) : 0;
  const int classes = o.conditional ? o.n_classes : 0;
  return fit_event_prior(kind, event->options().embed_dim, classes, std::move(label),
                         std::vector<float>(mu.data_ptr<float>(), mu.data_ptr<float>() + mu.numel()),
                         std::vector<float>(sigma.data_ptr<float>(),
                                            sigma.data_ptr<float>() + sigma.numel()));
}


void fit_levels(Model& model, const Dataset& data, int samples, double temperature) {
  EventPrior& prior = model.info.prior;
  const GrainOptions& o = model.info.grain;
  check_dataset_fits(data, o);
  const auto idx = data.indices(Split::train);
  const torch::Tensor audio = Batcher(data, idx, static_cast<int>(idx.size()), 0).chunk(0).audio.contiguous();
  const torch::Tensor labels = model_labels(data, idx, map_classes(model.info.classes, data.classes, o.conditional));
  const int classes = o.conditional ? o.n_classes : 0;
  const std::size_t n_classes = static_cast<std::size_t>(std::max(classes, 1));
  std::vector<std::vector<double>> real_rms(n_classes), real_decay(n_classes);
  float peak = 0;
  const int64_t len = audio.size(1);
  for (int64_t i = 0; i < audio.size(0); ++i) {
    const float* s = audio.data_ptr<float>() + i * len;
    const int64_t c = classes > 0 ? labels[i].item<int64_t>() : 0;
    if (c < 0 || c >= static_cast<int64_t>(n_classes)) continue;  // a class the model lacks
    const SoundLevel l = measure_level(s, len, o.sample_rate);
    real_rms[static_cast<std::size_t>(c)].push_back(l.rms_db);
    real_decay[static_cast<std::size_t>(c)].push_back(l.decay_ms);
    for (int64_t k = 0; k < len; ++k) peak = std::max(peak, std::abs(s[k]));
  }
  prior.level_gain_db.clear();  // the samples below are measured unmatched
  prior.decay_db_per_s.clear();
  std::vector<float> gains, decays;
  for (std::size_t c = 0; c < n_classes; ++c) {
    if (real_rms[c].empty()) {
      gains.push_back(0);
      decays.push_back(0);
      continue;
    }
    const auto sampled = sample_events(model, static_cast<int>(c), samples, temperature, kLevelSeed);
    const auto decayed = [&](double db_per_s) {
      std::vector<std::vector<float>> out = sampled;
      for (auto& e : out) add_decay(e, db_per_s, o.sample_rate);
      return out;
    };
    const auto median_of = [&](const std::vector<std::vector<float>>& events, bool decay) {
      std::vector<double> v;
      for (const auto& e : events) {
        const int64_t n = static_cast<int64_t>(e.size());
        v.push_back(decay ? decay_ms(e.data(), n, o.sample_rate) : rms_db(e.data(), n));
      }
      return median(v);
    };
    // Where the samples ring clearly longer (kDecayTolerance), the least extra decay
    // (to 0.1 dB/s) at which their median decay time is no longer than the real one's; the
    // median only falls as the decay grows. Within the tolerance (cymbals that
    // ring past the event's end in both), the samples are left as they are.
    const double target = median(real_decay[c]);
    double lo = 0, hi = 0;
    if (median_of(sampled, true) > kDecayTolerance * target) {
      hi = kMaxDecay;
      while (hi - lo > 0.1) {
        const double mid = 0.5 * (lo + hi);
        (median_of(decayed(mid), true) > target ? lo : hi) = mid;
      }
    }
    decays.push_back(static_cast<float>(hi));
    gains.push_back(static_cast<float>(
        std::clamp(median(real_rms[c]) - median_of(decayed(hi), false), -24.0, 24.0)));
  }
  prior.decay_db_per_s = std::move(decays);
  prior.level_gain_db = std::move(gains);
  prior.peak_limit = peak > 0 ? std::min(peak, 1.0f) : 1.0f;
}

ExportedRun export_run(const fs::path& run_dir, bool last, const std::optional<fs::path>& data) {
  fs::path source = run_dir / (last ? "checkpoint.ngc" : "best.ngc");
  if (!last && !fs::exists(source)) source = run_dir / "checkpoint.ngc";
  if (!fs::exists(source)) fail_file(run_dir, "holds no checkpoint (is it a run folder?)");
  Checkpoint cp = load_checkpoint(source);
  const TrainState& s = cp.state;
  ExportedRun r;
  r.source = source;
  r.step = s.step;
  Model& m = r.model;
  m.info.grain = s.grain;
  m.info.classes = s.classes;
  m.info.event = s.event;
  m.info.training = {{"stage", s.stage},
                     {"steps", s.step},
                     {"elapsed_s", s.elapsed_s},
                     {"best_test_loss", s.best_test_loss},
                     {"best_step", s.best_step},
                     {"dataset", s.dataset},
                     {"train", s.train},
                     {"exported_from", source.filename().string()}};
  if (!s.base_model.empty()) m.info.training["base_model"] = s.base_model;
  m.vae = GrainVae(s.grain);
  load_module_bytes(*m.vae, cp.weights, torch::kCPU, source);
  m.vae->eval();
  if (s.event) {
    m.event = make_event_vae(*s.event, s.grain);
    load_module_bytes(*m.event, cp.event_weights, torch::kCPU, source);
    m.event->eval();
  }
  const fs::path data_path = data ? *data : fs::path(s.dataset);
  if (!fs::exists(data_path))
    fail_file(data_path, "the run's dataset is needed for the latent map: give it with --data");
  r.data = data_path;
  const Dataset dataset = load_dataset(data_path);
  m.info.map = compute_latent_map(m.vae, s.classes, dataset, 20000, s.train.seed);
  if (m.has_event()) {
    m.info.prior = fit_class_priors(m.vae, m.event, s.classes, dataset, PriorKind::gaussian);
    fit_levels(m, dataset);
  }
  return r;
}

}  // namespace ngsynth
