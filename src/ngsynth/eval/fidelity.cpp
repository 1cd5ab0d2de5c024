#include "ngsynth/eval/fidelity.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "ngsynth/eval/evaluate.h"
#include "ngsynth/model/device.h"
#include "ngsynth/synth/event.h"
#include "ngsynth/audio/levels.h"
#include "ngsynth/model/batcher.h"
#include "ngsynth/model/spectral.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"

namespace ngsynth {
using nlohmann::json;

namespace {

// Symmetric PSD square root by eigendecomposition (negative eigenvalues from rounding -> 0).
torch::Tensor sqrt_psd(const torch::Tensor& s) {
  auto [values, vectors] = torch::linalg_eigh(s, "L");
  return torch::matmul(vectors * values.clamp_min(0).sqrt().unsqueeze(0), vectors.t());
}

std::pair<torch::Tensor, torch::Tensor> moments(const torch::Tensor& x, const torch::Tensor& w) {
  const torch::Tensor weights =
      w.defined() ? w.to(torch::kFloat64) : torch::full({x.size(0)}, 1.0 / x.size(0), torch::kFloat64);
  const torch::Tensor mean = torch::matmul(weights, x);
  const torch::Tensor c = x - mean;
  return {mean, torch::matmul(c.t() * weights, c)};
}

double accuracy(const std::vector<int>& predicted, const std::vector<int>& truth) {
  if (truth.empty()) return NAN;
  int right = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) right += predicted[i] == truth[i];
  return double(right) / truth.size();
}

torch::Tensor rows(const std::vector<std::vector<float>>& events, int64_t length) {
  torch::Tensor t = torch::zeros({int64_t(events.size()), length});
  for (std::size_t i = 0; i < events.size(); ++i)
    std::copy(events[i].begin(), events[i].begin() + std::min<int64_t>(length, events[i].size()),
              t[i].data_ptr<float>());
  return t;
}

// The rows of x whose mask entry is set.
torch::Tensor select(const torch::Tensor& x, const std::vector<bool>& mask) {
  std::vector<int64_t> idx;
  for (std::size_t i = 0; i < mask.size(); ++i)
    if (mask[i]) idx.push_back(int64_t(i));
  return x.index_select(0, torch::tensor(idx, torch::kLong));
}

// Frechet distance between the two halves (alternate events) of a set; NaN below 8 events.
double halves_distance(const torch::Tensor& emb) {
  if (emb.size(0) < 8) return NAN;
  using torch::indexing::Slice;
  return frechet_distance(emb.index({Slice(0, torch::indexing::None, 2)}),
                          emb.index({Slice(1, torch::indexing::None, 2)}));
}

}  // namespace

double frechet_distance(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& wb) {
  if (a.size(0) < 1 || b.size(0) < 1 || a.size(1) != b.size(1))
    throw Error("frechet distance: empty or mismatched sets");
  auto [ma, sa] = moments(a.to(torch::kFloat64), {});
  auto [mb, sb] = moments(b.to(torch::kFloat64), wb);
  const torch::Tensor ra = sqrt_psd(sa);
  const torch::Tensor cross = torch::linalg_eigvalsh(torch::matmul(torch::matmul(ra, sb), ra), "L");
  const double d = (ma - mb).square().sum().item<double>() + sa.trace().item<double>() +
                   sb.trace().item<double>() - 2.0 * cross.clamp_min(0).sqrt().sum().item<double>();
  return std::max(0.0, d);
}

namespace {

// Every event of a set measured once; the report's medians are taken over subsets of it.
struct EventLevels {
  std::vector<SoundLevel> level;
  std::vector<double> pitch_hz;
};

EventLevels measure_events(const torch::Tensor& audio, int sample_rate) {
  const torch::Tensor x = audio.to(torch::kCPU, torch::kFloat32).contiguous();
  const int64_t n = x.size(0), len = x.size(1);
  EventLevels e;
  for (int64_t i = 0; i < n; ++i) {
    const float* sound = x.data_ptr<float>() + i * len;
    e.level.push_back(measure_level(sound, len, sample_rate));
    e.pitch_hz.push_back(body_pitch_hz(sound, len, sample_rate));
  }
  return e;
}

// Medians over the events `mask` keeps (all of them for an empty mask).
Levels summarise(const EventLevels& e, const std::vector<bool>& mask = {}) {
  std::vector<double> rms, peak, decay, pitch;
  double silent = 0;
  for (std::size_t i = 0; i < e.level.size(); ++i) {
    if (!mask.empty() && !mask[i]) continue;
    const SoundLevel& l = e.level[i];
    rms.push_back(l.rms_db);
    peak.push_back(l.peak_db);
    decay.push_back(l.decay_ms);
    pitch.push_back(e.pitch_hz[i]);
    silent += l.silent_tail;
  }
  const std::size_t n = rms.size();
  return {median(rms), median(peak), median(decay), n ? silent / double(n) : NAN, median(pitch)};
}

// Median over the events `mask` keeps of the semitones between a real event's body pitch
// and its resyntheses' (resynthesis r is of real event r mod the number of real events).
double pitch_error(const EventLevels& real, const EventLevels& resynth,
                   const std::vector<bool>& mask = {}) {
  std::vector<double> d;
  const std::size_t n = real.pitch_hz.size();
  for (std::size_t r = 0; r < resynth.pitch_hz.size(); ++r)
    if (mask.empty() || mask[r % n])
      d.push_back(semitones_apart(real.pitch_hz[r % n], resynth.pitch_hz[r]));
  return median(d);
}

// A mask over the events, repeated once per draw of their resyntheses.
std::vector<bool> tile(const std::vector<bool>& mask, int times) {
  std::vector<bool> out;
  for (int d = 0; d < times; ++d) out.insert(out.end(), mask.begin(), mask.end());
  return out;
}

// Each row of y (N, T, contiguous float) brought to the RMS of x's row, with no peak limit:
// the yardsticks are to be judged, not played. Returns y.
torch::Tensor at_rms_of(torch::Tensor y, const torch::Tensor& x) {
  const auto n = std::size_t(x.size(1));
  for (int64_t r = 0; r < y.size(0); ++r)
    scale_to_level({y.data_ptr<float>() + r * n, n}, rms_db(x.data_ptr<float>() + r * n, int64_t(n)),
                   std::numeric_limits<double>::infinity());
  return y;
}

}  // namespace

Interval wilson_interval(double p, int n) {
  if (n <= 0 || !std::isfinite(p)) return {};
  const double z = 1.959964, z2n = z * z / n;
  const double centre = (p + z2n / 2) / (1 + z2n);
  const double half = z / (1 + z2n) * std::sqrt(p * (1 - p) / n + z2n / (4.0 * n));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

torch::Tensor phaseless(const torch::Tensor& audio, int frame, int hop, at::Generator& gen) {
  const torch::Tensor x = audio.to(torch::kCPU, torch::kFloat32);
  const torch::Tensor window = torch::hann_window(frame);
  const torch::Tensor mag =
      torch::stft(x, frame, hop, frame, window, /*center=*/true, "constant", /*normalized=*/false,
                  /*onesided=*/true, /*return_complex=*/true).abs();
  const torch::Tensor phase = torch::rand(mag.sizes(), gen) * (2 * M_PI);
  // Random phases add the overlapping frames incoherently (~5 dB under at 75 % overlap):
  // each rebuild is brought back to its original's RMS (with no peak limit: a yardstick,
  // not a sound to play).
  torch::Tensor y = torch::istft(torch::polar(mag, phase), frame, hop, frame, window,
                                 /*center=*/true, /*normalized=*/false, /*onesided=*/true,
                                 x.size(1)).contiguous();
  return at_rms_of(y, x.contiguous());
}

torch::Tensor noise_rebuild(const torch::Tensor& audio, const GrainFraming& framing,
                            at::Generator& gen) {
  torch::NoGradGuard no_grad;
  const torch::Tensor x = audio.to(torch::kCPU, torch::kFloat32).contiguous();
  // Uncapped: the decoder's filter stops at 2 but its post-filter and the level match
  // that follows lift what it cannot reach, so the cap is not this yardstick's to apply.
  const torch::Tensor target = exact_filter(x, framing);  // (B, n, grain/2 + 1)
  const int64_t grain = framing.grain();
  const torch::Tensor noise =
      torch::rand({target.size(0), target.size(1), grain}, gen) * 2.0 - 1.0;
  return at_rms_of(
      framing.overlap_add(torch::fft::irfft(torch::fft::rfft(noise) * target, grain)).contiguous(), x);
}

Levels measure_levels(const torch::Tensor& audio, int sample_rate) {
  return summarise(measure_events(audio, sample_rate));
}

FidelityReport evaluate_fidelity(Model& model, const Classifier& classifier, const Dataset& data,
                                 Split split, const FidelityOptions& o) {
  const GrainOptions& g = model.info.grain;
  check_dataset_fits(data, g);
  if (classifier.empty()) throw Error("class fidelity needs a drum classifier");
  if (o.samples < 0) throw Error("the number of samples per class must be >= 0");
  if (o.resynth_draws < 1) throw Error("the number of resynthesis draws must be >= 1");
  if (data.sample_rate != classifier.net->sample_rate())
    throw Error("the classifier was trained at another sample rate than the dataset's");
  const auto& classes = model.info.classes;
  std::vector<int> judge(classes.size());  // model class -> classifier class
  for (std::size_t k = 0; k < classes.size(); ++k) {
    judge[k] = classifier.class_of(classes[k]);
    if (judge[k] < 0) throw Error("class '" + classes[k] + "' is unknown to the classifier");
  }
  const auto model_class = map_classes(classes, data.classes, g.conditional);
  const auto idx = data.indices(split);
  if (idx.empty()) throw Error(std::string("the dataset has no ") + split_name(split) + " events");
  const torch::Device device = module_device(*model.vae);

  // Real events and their resyntheses through the grain path: resynthesis d * E + i is
  // draw d of real event i (E events).
  const Batch real = Batcher(data, idx, static_cast<int>(idx.size()), 0).chunk(0);
  std::vector<int> truth(idx.size()), real_model_class(idx.size());
  for (std::size_t i = 0; i < idx.size(); ++i) {
    real_model_class[i] = int(model_class[data.entries[idx[i]].class_index]);
    truth[i] = judge[real_model_class[i]];
  }
  const Classifier::Result real_r = classifier.classify(real.audio);
  torch::Tensor resynth;
  {
    torch::NoGradGuard no_grad;
    model.vae->eval();
    std::vector<torch::Tensor> parts;
    at::Generator gen = make_generator(mix_seed(o.seed, 0x7e5));
    std::vector<torch::Tensor> mus, labels;
    for (int64_t i = 0; i < real.audio.size(0); i += 16) {
      const torch::Tensor a = real.audio.slice(0, i, std::min<int64_t>(i + 16, real.audio.size(0)));
      labels.push_back(map_labels(real.labels.slice(0, i, i + a.size(0)), model_class).to(device));
      mus.push_back(model.vae->encode(a.to(device)).mu);
    }
    for (int d = 0; d < o.resynth_draws; ++d)
      for (std::size_t c = 0; c < mus.size(); ++c)
        parts.push_back(model.vae->decode(mus[c], labels[c], gen).to(torch::kCPU));
    resynth = torch::cat(parts);
  }
  const int64_t length = real.audio.size(1);
  const torch::Tensor real_audio = real.audio.to(torch::kCPU, torch::kFloat32).contiguous();
  if (o.keep_level)
    for (int64_t r = 0; r < resynth.size(0); ++r)
      match_level({resynth.data_ptr<float>() + r * length, std::size_t(length)},
                  {real_audio.data_ptr<float>() + (r % real_audio.size(0)) * length, std::size_t(length)});
  const Classifier::Result resynth_r = classifier.classify(resynth);
  // The yardsticks, judged in the same order as the resyntheses (draw d of event i at d * E + i).
  const auto judge_draws = [&](uint64_t salt, const auto& rebuild) {
    at::Generator gen = make_generator(mix_seed(o.seed, salt));
    std::vector<torch::Tensor> parts;
    for (int d = 0; d < o.resynth_draws; ++d) parts.push_back(rebuild(gen));
    return classifier.classify(torch::cat(parts));
  };
  const Classifier::Result phaseless_r =
      judge_draws(0x9a5e, [&](at::Generator& gen) { return phaseless(real_audio, g.grain, g.hop, gen); });
  const Classifier::Result noise_r = judge_draws(
      0x401e, [&](at::Generator& gen) { return noise_rebuild(real_audio, model.vae->framing(), gen); });
  const EventLevels real_levels = measure_events(real.audio, data.sample_rate);
  const EventLevels resynth_levels = measure_events(resynth, data.sample_rate);

  // Sampled events, per class.
  FidelityReport rep;
  rep.options = o;
  rep.classifier_classes = classifier.classes;
  rep.prior = model.info.prior.empty() ? "standard" : prior_name(model.info.prior.kind);
  const bool can_sample = model.has_event() && o.samples > 0;
  std::vector<torch::Tensor> sample_audio(classes.size());
  std::vector<Classifier::Result> sample_r(classes.size());
  EventLevels sample_levels;  // every class's samples, in class order
  std::vector<Levels> class_sample_levels(classes.size());
  for (std::size_t k = 0; k < classes.size() && can_sample; ++k) {
    sample_audio[k] = rows(sample_events(model, int(k), o.samples, o.temperature,
                                         mix_seed(o.seed, k)),
                           g.event_length());
    sample_r[k] = classifier.classify(sample_audio[k]);
    const EventLevels e = measure_events(sample_audio[k], data.sample_rate);
    class_sample_levels[k] = summarise(e);
    sample_levels.level.insert(sample_levels.level.end(), e.level.begin(), e.level.end());
    sample_levels.pitch_hz.insert(sample_levels.pitch_hz.end(), e.pitch_hz.begin(), e.pitch_hz.end());
  }

  // Every real event with how it and each draw of its resynthesis and yardsticks were heard.
  for (std::size_t i = 0; i < idx.size(); ++i) {
    FidelityEvent e;
    e.source = data.entries[idx[i]].source;
    e.name = classes[real_model_class[i]];
    e.truth = truth[i];
    e.real = real_r.predicted[i];
    for (int d = 0; d < o.resynth_draws; ++d) {
      e.resynth.push_back(resynth_r.predicted[d * idx.size() + i]);
      e.phaseless.push_back(phaseless_r.predicted[d * idx.size() + i]);
      e.noise.push_back(noise_r.predicted[d * idx.size() + i]);
    }
    rep.events.push_back(std::move(e));
  }

  std::vector<torch::Tensor> all_samples, all_weights;
  for (std::size_t k = 0; k < classes.size(); ++k) {
    std::vector<bool> mask(idx.size());
    std::vector<int> t, p_real, t_resynth, p_resynth, p_phaseless, p_noise;
    for (std::size_t i = 0; i < idx.size(); ++i) {
      mask[i] = real_model_class[i] == int(k);
      if (!mask[i]) continue;
      const FidelityEvent& e = rep.events[i];
      t.push_back(e.truth);
      p_real.push_back(e.real);
      t_resynth.insert(t_resynth.end(), e.resynth.size(), e.truth);
      p_resynth.insert(p_resynth.end(), e.resynth.begin(), e.resynth.end());
      p_phaseless.insert(p_phaseless.end(), e.phaseless.begin(), e.phaseless.end());
      p_noise.insert(p_noise.end(), e.noise.begin(), e.noise.end());
    }
    FidelityRow row;
    row.name = classes[k];
    row.real_events = int(t.size());
    row.heard_as.assign(classifier.classes.size(), 0);
    row.resynth_heard_as.assign(classifier.classes.size(), 0);
    for (int p : p_resynth) ++row.resynth_heard_as[p];
    row.real_accuracy = accuracy(p_real, t);
    row.resynth_accuracy = accuracy(p_resynth, t_resynth);
    row.real_interval = wilson_interval(row.real_accuracy, row.real_events);
    row.resynth_interval = wilson_interval(row.resynth_accuracy, row.real_events);
    row.phaseless_accuracy = accuracy(p_phaseless, t_resynth);
    row.phaseless_interval = wilson_interval(row.phaseless_accuracy, row.real_events);
    row.noise_accuracy = accuracy(p_noise, t_resynth);
    row.noise_interval = wilson_interval(row.noise_accuracy, row.real_events);
    if (!t.empty()) {
      row.real = summarise(real_levels, mask);
      row.resynth = summarise(resynth_levels, tile(mask, o.resynth_draws));
      row.resynth_pitch_error = pitch_error(real_levels, resynth_levels, mask);
    }
    if (can_sample) {
      const auto& s = sample_r[k];
      row.sampled_events = int(s.predicted.size());
      for (int p : s.predicted) ++row.heard_as[p];
      row.sampled_accuracy = double(row.heard_as[judge[k]]) / std::max<std::size_t>(1, s.predicted.size());
      row.sampled_interval = wilson_interval(row.sampled_accuracy, row.sampled_events);
      row.sampled = class_sample_levels[k];
      if (t.size() >= 8) {
        const torch::Tensor real_emb = select(real_r.embedding, mask);
        row.frechet = frechet_distance(real_emb, s.embedding);
        row.frechet_halves = halves_distance(real_emb);
      }
      if (!t.empty()) {  // overall: samples weighted as the classes are in the real split
        all_samples.push_back(s.embedding);
        all_weights.push_back(torch::full({s.embedding.size(0)},
                                          double(t.size()) / s.embedding.size(0),
                                          torch::kFloat64));
      }
    }
    rep.classes.push_back(row);
  }


  FidelityRow& all = rep.overall;
  all.name = "all";
  all.real_events = int(idx.size());
  all.real_accuracy = accuracy(real_r.predicted, truth);
  std::vector<int> all_truth;
  for (int d = 0; d < o.resynth_draws; ++d) all_truth.insert(all_truth.end(), truth.begin(), truth.end());
  all.resynth_accuracy = accuracy(resynth_r.predicted, all_truth);
  all.real_interval = wilson_interval(all.real_accuracy, all.real_events);
  all.resynth_interval = wilson_interval(all.resynth_accuracy, all.real_events);
  all.phaseless_accuracy = accuracy(phaseless_r.predicted, all_truth);
  all.phaseless_interval = wilson_interval(all.phaseless_accuracy, all.real_events);
  all.noise_accuracy = accuracy(noise_r.predicted, all_truth);
  all.noise_interval = wilson_interval(all.noise_accuracy, all.real_events);
  all.real = summarise(real_levels);
  all.resynth = summarise(resynth_levels);
  all.resynth_pitch_error = pitch_error(real_levels, resynth_levels);
  all.heard_as.assign(classifier.classes.size(), 0);
  all.resynth_heard_as.assign(classifier.classes.size(), 0);
  for (int p : resynth_r.predicted) ++all.resynth_heard_as[p];
  if (can_sample) {
    int right = 0, total = 0;
    for (const auto& r : rep.classes) {
      right += int(std::lround(r.sampled_accuracy * r.sampled_events));
      total += r.sampled_events;
      for (std::size_t c = 0; c < r.heard_as.size(); ++c) all.heard_as[c] += r.heard_as[c];
    }
    all.sampled_events = total;
    all.sampled_accuracy = total ? double(right) / total : NAN;
    all.sampled_interval = wilson_interval(all.sampled_accuracy, total);
    all.sampled = summarise(sample_levels);
    if (!all_samples.empty()) {
      torch::Tensor w = torch::cat(all_weights);
      all.frechet = frechet_distance(real_r.embedding, torch::cat(all_samples), w / w.sum());
    }
    all.frechet_halves = halves_distance(real_r.embedding);
  }
  return rep;
}

namespace {
json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
json interval_json(const Interval& i) { return json::array({number(i.lo), number(i.hi)}); }
json levels_json(const Levels& l) {
  return {{"rms_db", number(l.rms_db)}, {"peak_db", number(l.peak_db)},
          {"decay_ms", number(l.decay_ms)}, {"silent_tail", number(l.silent_tail)},
          {"pitch_hz", number(l.pitch_hz)}};
}
}  // namespace

json FidelityReport::to_json() const {
  auto counts = [&](const std::vector<int>& n) {
    json heard = json::object();
    for (std::size_t c = 0; c < n.size(); ++c)
      if (n[c] > 0) heard[classifier_classes[c]] = n[c];
    return heard;
  };
  auto row = [&](const FidelityRow& r) {
    return json{{"real_events", r.real_events},
                {"sampled_events", r.sampled_events},
                {"real_accuracy", number(r.real_accuracy)},
                {"sampled_accuracy", number(r.sampled_accuracy)},
                {"resynth_accuracy", number(r.resynth_accuracy)},
                {"real_accuracy_interval", interval_json(r.real_interval)},
                {"sampled_accuracy_interval", interval_json(r.sampled_interval)},
                {"resynth_accuracy_interval", interval_json(r.resynth_interval)},
                {"phaseless_accuracy", number(r.phaseless_accuracy)},
                {"phaseless_accuracy_interval", interval_json(r.phaseless_interval)},
                {"noise_accuracy", number(r.noise_accuracy)},
                {"noise_accuracy_interval", interval_json(r.noise_interval)},
                {"resynth_pitch_error_semitones", number(r.resynth_pitch_error)},
                {"frechet", number(r.frechet)},
                {"frechet_real_halves", number(r.frechet_halves)},
                {"real_levels", levels_json(r.real)},
                {"sampled_levels", levels_json(r.sampled)},
                {"resynth_levels", levels_json(r.resynth)},
                {"sampled_heard_as", counts(r.heard_as)},
                {"resynth_heard_as", counts(r.resynth_heard_as)}};
  };
  json j = {{"overall", row(overall)},
            {"classes", json::object()},
            {"samples_per_class", options.samples},
            {"temperature", options.temperature},
            {"resynth_draws", options.resynth_draws},
            {"resynth_keeps_level", options.keep_level},
            {"seed", options.seed},
            {"prior", prior}};
  for (const auto& r : classes) j["classes"][r.name] = row(r);
  auto names = [&](const std::vector<int>& n) {
    json a = json::array();
    for (int c : n) a.push_back(classifier_classes[c]);
    return a;
  };
  j["events"] = json::array();
  for (const auto& e : events)
    j["events"].push_back({{"source", e.source}, {"class", e.name},
                           {"real_heard_as", classifier_classes[e.real]},
                           {"resynth_heard_as", names(e.resynth)},
                           {"phaseless_heard_as", names(e.phaseless)},
                           {"noise_heard_as", names(e.noise)}});
  return j;
}

std::string FidelityReport::table() const {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-8s %5s %6s %7s %7s %6s %6s %7s %7s %13s %13s %13s %13s %8s\n",
                "class", "real", "real%", "sample%", "resyn%", "ceil%", "noise%", "FD", "FD 1/2", "RMS dB r/s",
                "peak dB r/s", "decay ms r/s", "pitch Hz r/s", "resyn st");
  out += line;
  auto pct = [](double v) { return std::isfinite(v) ? 100 * v : NAN; };
  auto add = [&](const FidelityRow& r) {
    std::snprintf(line, sizeof line,
                  "%-8s %5d %6.0f %7.0f %7.0f %6.0f %6.0f %7.2f %7.2f %6.1f/%6.1f %6.1f/%6.1f %6.0f/%6.0f "
                  "%6.0f/%6.0f %8.2f\n",
                  r.name.c_str(), r.real_events, pct(r.real_accuracy), pct(r.sampled_accuracy),
                  pct(r.resynth_accuracy), pct(r.phaseless_accuracy), pct(r.noise_accuracy), r.frechet, r.frechet_halves, r.real.rms_db,
                  r.sampled.rms_db, r.real.peak_db, r.sampled.peak_db, r.real.decay_ms,
                  r.sampled.decay_ms, r.real.pitch_hz, r.sampled.pitch_hz, r.resynth_pitch_error);
    out += line;
  };
  for (const auto& r : classes) add(r);
  add(overall);
  // The sounds the model loses: heard right as they are, heard as another class in most
  // resynthesis draws.
  std::string lost;
  for (const auto& e : events) {
    const auto wrong = std::count_if(e.resynth.begin(), e.resynth.end(), [&](int p) { return p != e.truth; });
    if (e.real != e.truth || 2 * wrong <= std::ptrdiff_t(e.resynth.size())) continue;
    std::vector<int> heard(classifier_classes.size());
    for (int p : e.resynth) ++heard[p];
    const auto most = std::max_element(heard.begin(), heard.end()) - heard.begin();
    lost += "  " + e.name + " " + e.source + ": " + std::to_string(wrong) + " of " +
            std::to_string(e.resynth.size()) + " draws heard as " + classifier_classes[most] + "\n";
  }
  if (!lost.empty())
    out += "resyntheses heard as another class in most draws (the real sound heard right):\n" + lost;
  return out;
}

}  // namespace ngsynth
