#include "ngsynth/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "ngsynth/eval/evaluate.h"
#include "ngsynth/eval/fidelity.h"
#include "ngsynth/train/export.h"
#include "ngsynth/plot/training_plot.h"
#include "ngsynth/model/device.h"
#include "ngsynth/model/model_file.h"
#include "ngsynth/model/spectral.h"
#include "ngsynth/train/schedule.h"
#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"
#include "ngsynth/util/progress.h"

namespace ngsynth {
namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

void check_data_fits(const Dataset& data, const GrainOptions& g, const fs::path& data_path) {
  if (data.sample_rate != g.sample_rate || data.event_length != g.event_length())
    fail_file(data_path, "events are " + std::to_string(data.event_length) + " samples at " +
                             std::to_string(data.sample_rate) + " Hz, the model needs " +
                             std::to_string(g.event_length()) + " at " +
                             std::to_string(g.sample_rate) +
                             " Hz: prepare it with the same --preset");
  if (data.indices(Split::train).empty()) fail_file(data_path, "has no training events");
}

}  // namespace

Trainer::Trainer(const Dataset& data, fs::path data_path, fs::path run_dir, GrainOptions grain,
                 TrainOptions train, const torch::Device& device)
    : Trainer(data, data_path, run_dir,
              [&] {
                TrainState s;
                grain.n_classes = static_cast<int>(data.classes.size());
                grain.validate();
                train.validate();
                s.grain = grain;
                s.train = train;
                s.classes = data.classes;
                s.dataset = fs::absolute(data_path).string();
                return s;
              }(),
              device) {
  start_run_folder();
}

Trainer::Trainer(const Dataset& data, fs::path data_path, fs::path run_dir,
                 Stage stage, Model& base, const fs::path& base_path,
                 EventOptions event, TrainOptions train, const torch::Device& device)
    : Trainer(data, data_path, run_dir,
              [&] {
                if (stage == Stage::grain)
                  throw Error("a model to start from is for the temporal and joint stages");
                if (stage == Stage::joint) event = base.require_event()->options();
                event.validate();
                train.validate();
                TrainState s;
                s.stage = stage;
                s.grain = base.info.grain;
                s.event = event;
                s.base_model = fs::absolute(base_path).string();
                s.base_grain = weights_fingerprint(*base.vae);
                s.train = train;
                s.classes = base.info.classes;
                s.dataset = fs::absolute(data_path).string();
                return s;
              }(),
              device) {
  load_module_bytes(*vae_, module_bytes(*base.vae), device_, base_path);
  if (stage == Stage::joint) load_module_bytes(*event_, module_bytes(*base.event), device_, base_path);
  cache_latents();
  if (stage == Stage::temporal) {  // standardise with the training events' statistics
    const auto train = data_.indices(Split::train);
    torch::Tensor train_idx =
        torch::tensor(std::vector<int64_t>(train.begin(), train.end()), torch::kLong);
    torch::Tensor z = latents_.index_select(0, train_idx).reshape({-1, state_.grain.z_dim});
    event_->set_latent_stats(z.mean(0), z.std(0));
  }
  start_run_folder();
}

void Trainer::start_run_folder() {
  if (fs::exists(run_dir_ / "checkpoint.ngc"))
    fail_file(run_dir_, "already holds a run: use --resume to continue it, or another -o");
  fs::create_directories(run_dir_);
  json opts = {{"stage", state_.stage},     {"grain", state_.grain},
               {"train", state_.train},     {"classes", state_.classes},
               {"dataset", state_.dataset}, {"base_model", state_.base_model}};
  if (state_.event) opts["event"] = *state_.event;
  write_file_atomically(run_dir_ / "options.json", opts.dump(2) + "\n");
}

Trainer::Trainer(const Dataset& data, fs::path data_path, fs::path run_dir, TrainState state,
                 const torch::Device& device)
    : data_(data),
      data_path_(std::move(data_path)),
      run_dir_(std::move(run_dir)),
      state_(std::move(state)),
      device_(device) {
  check_data_fits(data_, state_.grain, data_path_);
  class_map_ = map_classes(state_.classes, data_.classes, state_.grain.conditional);
  torch::manual_seed(state_.train.seed);  // weight initialisation
  vae_ = GrainVae(state_.grain);
  vae_->to(device_);
  std::vector<torch::Tensor> params;
  if (state_.stage != Stage::temporal) params = vae_->parameters();
  if (state_.stage == Stage::grain) {
    vae_->train();
  } else {
    if (!state_.event) throw Error(std::string("the ") + enum_name(state_.stage) + " stage needs event options");
    event_ = make_event_vae(*state_.event, state_.grain);
    event_->to(device_);
    event_->train();
    for (auto& p : event_->parameters()) params.push_back(p);
    // The temporal stage reads cached latents; the joint stage trains the grain VAE too.
    if (state_.stage == Stage::temporal) vae_->eval(); else vae_->train();
  }
  optimizer_ = std::make_unique<torch::optim::Adam>(params,
                                                    torch::optim::AdamOptions(state_.train.lr));
  batches_ = std::make_unique<Batcher>(data_, data_.indices(Split::train),
                                       state_.train.batch_size, state_.train.seed);
}

Trainer Trainer::resume(const Dataset& data, fs::path data_path, fs::path run_dir,
                        const torch::Device& device, const std::optional<int64_t>& max_steps,
                        const std::optional<double>& max_minutes, Model* base,
                        const fs::path& base_path) {
  const fs::path path = run_dir / "checkpoint.ngc";
  if (!fs::exists(path)) fail_file(run_dir, "no checkpoint.ngc to resume from");
  Checkpoint cp = load_checkpoint(path);
  remove_stale_temporaries(run_dir, "");  // half-written files of the run that was killed
  if (base) {
    if (cp.state.stage == Stage::grain) fail_file(run_dir, "is a grain run: --model is for event runs");
    if (cp.state.base_grain.empty())
      fail_file(run_dir, "does not record which grain level it was trained on (an older "
                         "ngsynth): resume it without --model");
    const std::string given = weights_fingerprint(*base->vae);
    if (given != cp.state.base_grain)
      fail_file(run_dir, "its event level was trained on another grain level than " +
                             base_path.string() + " (" + cp.state.base_grain + " vs " + given +
                             "): train the event level afresh on it (another -o, no --resume), "
                             "or resume without --model to keep the run's own grain level");
  }
  if (max_steps) cp.state.train.max_steps = *max_steps;
  if (max_minutes) cp.state.train.max_minutes = *max_minutes;
  cp.state.train.validate();
  Trainer t(data, std::move(data_path), std::move(run_dir), cp.state, device);
  load_module_bytes(*t.vae_, cp.weights, device, path);
  if (t.event_) load_module_bytes(*t.event_, cp.event_weights, device, path);
  load_optimizer_bytes(*t.optimizer_, cp.optimizer, device, path);
  t.cache_latents();
  return t;
}

// The temporal stage trains on the posterior means of every event, computed once.
void Trainer::cache_latents() {
  if (state_.stage != Stage::temporal) return;
  std::vector<std::size_t> all(data_.entries.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  latents_ = encode_events(vae_, data_, all, device_);
}

int64_t Trainer::trainable_parameters() {
  int64_t n = 0;
  for (const auto& group : optimizer_->param_groups())
    for (const auto& p : group.params()) n += p.numel();
  return n;
}

StepLoss Trainer::step() {
  const TrainOptions& o = state_.train;
  const double lr = learning_rate_at(o, state_.step);
  const double beta = beta_at(o, state_.step);
  for (auto& group : optimizer_->param_groups())
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);

  Batch batch = batches_->at_step(state_.step);
  batch.labels = map_labels(batch.labels, class_map_).to(device_);
  at::Generator gen = make_generator(mix_seed(o.seed, static_cast<uint64_t>(state_.step)));
  StepLoss l = state_.stage == Stage::grain      ? grain_step(batch, gen, beta)
               : state_.stage == Stage::temporal ? temporal_step(batch, gen, beta)
                                            : joint_step(batch, gen, beta);
  l.lr = lr;
  l.beta = beta;
  ++state_.step;
  if (!std::isfinite(l.total))
    throw Error("training diverged at step " + std::to_string(state_.step) +
                " (loss is not finite); resume from the last checkpoint with a lower lr");
  return l;
}

namespace {

torch::Tensor spectral(const torch::Tensor& x, const torch::Tensor& y, const GrainOptions& g) {
  return multiscale_spectral_distance(x, y, g.stft_scales, g.log_weight, g.log_eps).total;
}

// The filter's own loss, weighted (GrainOptions::filter_loss_weight); 0 when unused.
torch::Tensor filter_loss(GrainVae& vae, const torch::Tensor& audio, const GrainVaeOutput& out) {
  const GrainOptions& g = vae->options();
  if (g.filter_loss_weight <= 0) return torch::zeros({}, audio.options());
  return g.filter_loss_weight *
         filter_magnitude_distance(audio, vae->framing(), out.filter, g.log_weight, g.log_eps).total;
}

StepLoss optimise(torch::optim::Optimizer& opt, const torch::Tensor& loss,
                  const torch::Tensor& recon, const torch::Tensor& kl) {
  opt.zero_grad();
  loss.backward();
  opt.step();
  StepLoss l;
  l.total = loss.item<double>();
  l.recon = recon.item<double>();
  l.kl = kl.item<double>();
  return l;
}

}  // namespace

StepLoss Trainer::grain_step(const Batch& batch, at::Generator& gen, double beta) {
  torch::Tensor audio = batch.audio.to(device_);
  GrainVaeOutput out = vae_->forward(audio, batch.labels, gen);
  torch::Tensor d = spectral(audio, out.audio, state_.grain);
  torch::Tensor kl = kl_per_grain({out.mu, out.logvar});
  return optimise(*optimizer_, d + filter_loss(vae_, audio, out) + beta * kl, d, kl);
}

StepLoss Trainer::temporal_step(const Batch& batch, at::Generator& gen, double beta) {
  torch::Tensor z = latents_.index_select(0, batch.index.to(latents_.device()));
  EventVaeOutput out = event_->forward(z, batch.labels, gen);
  torch::Tensor mse = (event_->standardise(out.recon) - event_->standardise(z)).square().mean();
  const Posterior p{out.mu, out.logvar};
  torch::Tensor kl = kl_per_dimension(p).sum();
  return optimise(*optimizer_, mse + beta * free_bits_kl(p, state_.event->free_bits), mse, kl);
}

StepLoss Trainer::joint_step(const Batch& batch, at::Generator& gen, double beta) {
  const GrainOptions& g = state_.grain;
  torch::Tensor audio = batch.audio.to(device_);
  GrainVaeOutput grain = vae_->forward(audio, batch.labels, gen);
  // The event level learns from the grain encoder's means; its reconstruction does not
  // pull the grain encoder towards predictable latents (the target is detached).
  torch::Tensor z = grain.mu.detach();
  EventVaeOutput ev = event_->forward(z, batch.labels, gen);
  torch::Tensor event_audio = vae_->decode(ev.recon, batch.labels, gen);
  torch::Tensor d = spectral(audio, grain.audio, g) + spectral(audio, event_audio, g);
  torch::Tensor mse = (event_->standardise(ev.recon) - event_->standardise(z)).square().mean();
  const Posterior p{ev.mu, ev.logvar};
  torch::Tensor kl = kl_per_dimension(p).sum();
  torch::Tensor loss = d + filter_loss(vae_, audio, grain) + mse + beta * (kl_per_grain({grain.mu, grain.logvar}) +
                                         free_bits_kl(p, state_.event->free_bits));
  return optimise(*optimizer_, loss, d, kl);
}

// Test-split latent MSE with embedding means, the KL per event and the active dimensions.
double Trainer::evaluate_temporal(json& line) {
  const auto idx = data_.indices(Split::test);
  torch::Tensor labels = model_labels(data_, idx, class_map_);
  torch::Tensor index = torch::tensor(std::vector<int64_t>(idx.begin(), idx.end()), torch::kLong);
  EventStats s = event_statistics(event_, latents_.index_select(0, index.to(latents_.device())),
                                  labels);
  line["latent_mse"] = s.latent_mse;
  line["kl_per_event"] = s.kl_per_event;
  line["active_dims"] = s.active_dims;
  return s.latent_mse;
}

void Trainer::set_judge(Classifier classifier, int samples) {
  judge_ = std::move(classifier);
  judge_samples_ = samples;
}

// Samples a few events per class from class priors fitted to the current encoder, and asks
// the classifier what it hears.
void Trainer::judge_samples(json& line) {
  if (judge_.empty() || judge_samples_ <= 0 || !event_) return;
  Model m;
  m.info.grain = state_.grain;
  m.info.classes = state_.classes;
  m.info.event = state_.event;
  m.vae = vae_;
  m.event = event_;
  const bool grain_training = vae_->is_training(), event_training = event_->is_training();
  // The temporal stage's grain VAE is frozen: its cached latents of the training events
  // are the ones fit_class_priors would encode again.
  torch::Tensor train_latents;
  if (latents_.defined()) {
    const auto idx = data_.indices(Split::train);
    train_latents = latents_.index_select(
        0, torch::tensor(std::vector<int64_t>(idx.begin(), idx.end()), torch::kLong).to(latents_.device()));
  }
  m.info.prior = fit_class_priors(vae_, event_, state_.classes, data_, PriorKind::gaussian, train_latents);
  FidelityOptions o;
  o.samples = judge_samples_;
  o.seed = mix_seed(state_.train.seed, 0xf1de);
  const FidelityReport r = evaluate_fidelity(m, judge_, data_, Split::test, o);
  if (grain_training) vae_->train();
  if (event_training) event_->train();
  line["sampled_accuracy"] = r.overall.sampled_accuracy;
  json per_class = json::object();
  for (const auto& c : r.classes) per_class[c.name] = c.sampled_accuracy;
  line["sampled_accuracy_per_class"] = per_class;
  if (std::isfinite(r.overall.frechet)) line["frechet"] = r.overall.frechet;
}

double Trainer::evaluate_test() {
  if (data_.indices(Split::test).empty()) return NAN;
  json line = {{"kind", "test"}, {"step", state_.step}, {"time_s", state_.elapsed_s}};
  double loss;
  if (state_.stage == Stage::temporal) {
    loss = evaluate_temporal(line);
  } else {
    const uint64_t seed = mix_seed(state_.train.seed, 0xe7a1);
    EvalResult r = evaluate(vae_, state_.classes, data_, Split::test, device_, seed);
    line["mss"] = r.overall.mss;
    line["lsd_db"] = r.overall.lsd;
    loss = r.overall.mss;
    if (state_.stage == Stage::joint) {  // the whole two-level model decides the best state
      EvalResult e = evaluate(vae_, state_.classes, data_, Split::test, device_, seed, 16,
                              &event_);
      line["event_mss"] = e.overall.mss;
      loss = e.overall.mss;
    }
  }
  if (state_.stage != Stage::grain) judge_samples(line);
  if (loss < state_.best_test_loss) {
    state_.best_test_loss = loss;
    state_.best_step = state_.step;
    state_.evals_since_best = 0;
    save(run_dir_ / "best.ngc");
  } else {
    ++state_.evals_since_best;
  }
  line["loss"] = loss;
  line["best"] = state_.best_test_loss;
  log(line);
  last_test_ = line;
  plot_training_log(run_dir_ / "log.jsonl", run_dir_ / "training.png");
  return loss;
}

void Trainer::fit_schedule(double steps_per_s, double seconds_left) {
  TrainOptions& o = state_.train;
  const int64_t affordable = state_.step + static_cast<int64_t>(steps_per_s * seconds_left);
  if (affordable >= o.max_steps) return;
  const int64_t was = o.max_steps;
  o.max_steps = std::max<int64_t>(state_.step + 1, affordable);
  log({{"kind", "schedule"}, {"step", state_.step}, {"max_steps", o.max_steps},
       {"was", was}, {"steps_per_s", steps_per_s}});
}

void Trainer::save(const fs::path& path) {
  save_checkpoint(path, state_, vae_, event_ ? &event_ : nullptr, *optimizer_);
}

void Trainer::log(const json& line) {
  append_to_file(run_dir_ / "log.jsonl", line.dump() + "\n");
}

void Trainer::set_progress_frame(std::string label, std::function<double(double)> later_s) {
  frame_label_ = std::move(label);
  frame_later_s_ = later_s;
}

TrainSummary Trainer::run(const std::atomic<bool>* stop, bool quiet) {
  const TrainOptions& o = state_.train;
  set_threads(o.threads);
  Progress progress(stderr, 10.0);
  const auto start = Clock::now();
  auto last_save = start, last_tick = start;
  const double start_elapsed = state_.elapsed_s;
  const int64_t start_step = state_.step;
  StepLoss avg;
  int n_avg = 0;
  int64_t last_eval = -1;
  std::string reason;
  // The schedule is fitted to the time budget once the step rate is known (after 100 steps,
  // or after 20 s or a tenth of the budget, whichever comes first, once a few steps have
  // run), and shortened at test evaluations if the rate falls.
  bool schedule_fitted = !(o.max_minutes > 0 && o.fit_schedule);
  const char* recon_name = state_.stage == Stage::temporal ? "latent" : "spectral";
  const char* test_name = state_.stage == Stage::temporal ? "latent mse"
                          : state_.stage == Stage::joint  ? "event-path mss"
                                                     : "mss";
  while (reason.empty()) {
    if (state_.step >= o.max_steps) { reason = "reached max_steps"; break; }
    const double minutes = std::chrono::duration<double>(Clock::now() - start).count() / 60;
    if (o.max_minutes > 0 && minutes >= o.max_minutes) { reason = "reached max_minutes"; break; }
    if (stop && stop->load()) { reason = "interrupted"; break; }

    StepLoss l = step();
    avg.total += l.total; avg.recon += l.recon; avg.kl += l.kl; ++n_avg;
    const auto now = Clock::now();
    state_.elapsed_s = start_elapsed + std::chrono::duration<double>(now - start).count();
    const double rate = (state_.step - start_step) /
                        std::max(1e-9, std::chrono::duration<double>(now - start).count());
    const double call_s = std::chrono::duration<double>(now - start).count();
    const int64_t done = state_.step - start_step;
    if (!schedule_fitted &&
        (done >= 100 || (done >= 3 && call_s >= std::min(20.0, 6.0 * o.max_minutes)))) {
      schedule_fitted = true;
      const int64_t before = o.max_steps;
      fit_schedule(0.92 * rate, o.max_minutes * 60 - call_s);  // test evaluations take time too
      if (!quiet && o.max_steps != before)
        progress.finish("schedule fitted to " + format_duration(o.max_minutes * 60) + ": " +
                        std::to_string(o.max_steps) + " steps (was " + std::to_string(before) +
                        ") at " + std::to_string(rate).substr(0, 4) + " steps/s");
    }
    if (std::chrono::duration<double>(now - last_tick).count() >= 30 || state_.step == 1) {
      log({{"kind", "train"}, {"step", state_.step}, {"time_s", state_.elapsed_s},
           {"loss", avg.total / n_avg}, {recon_name, avg.recon / n_avg},
           {"kl", avg.kl / n_avg}, {"beta", l.beta}, {"lr", l.lr}, {"steps_per_s", rate}});
      avg = {};
      n_avg = 0;
      last_tick = now;
    }
    if (!quiet) {
      double eta = (o.max_steps - state_.step) / std::max(rate, 1e-9);
      if (o.max_minutes > 0) eta = std::min(eta, o.max_minutes * 60 - minutes * 60);
      char line[256];
      std::snprintf(line, sizeof line,
                    "step %lld/%lld  loss %.4f  %s %.4f  kl %.2f  beta %.2e  lr %.2e  "
                    "%.2f steps/s  ETA %s",
                    (long long)state_.step, (long long)o.max_steps, l.total, recon_name,
                    l.recon, l.kl,
                    l.beta, l.lr, rate, format_duration(eta).c_str());
      std::string framed = line;
      if (!frame_label_.empty()) framed = frame_label_ + "  " + framed;
      if (frame_later_s_) framed += "  (all: " + format_duration(eta + frame_later_s_(rate)) + ")";
      progress.update(framed);
    }
    if (state_.step % o.eval_every == 0) {
      // A machine that slows down (other work) shortens the schedule again, never lengthens it.
      if (schedule_fitted && o.max_minutes > 0 && o.fit_schedule)
        fit_schedule(0.92 * rate, o.max_minutes * 60 - call_s);
      const double test = evaluate_test();
      last_eval = state_.step;
      if (!quiet) {
        char line[256];
        int n = std::snprintf(line, sizeof line, "step %lld: test %s %.4f (best %.4f at step %lld)",
                              (long long)state_.step, test_name, test, state_.best_test_loss,
                              (long long)state_.best_step);
        if (last_test_.contains("active_dims"))
          n += std::snprintf(line + n, sizeof line - n, ", KL %.1f nats per event, %lld/%d active dims",
                             last_test_["kl_per_event"].get<double>(),
                             (long long)last_test_["active_dims"].get<int64_t>(),
                             state_.event->embed_dim);
        if (last_test_.value("sampled_accuracy", json()).is_number() && n < static_cast<int>(sizeof line))
          std::snprintf(line + n, sizeof line - n, ", samples heard as their class %.0f %%",
                        100 * last_test_["sampled_accuracy"].get<double>());
        progress.finish(line);
      }
      if (o.patience > 0 && state_.evals_since_best >= o.patience)
        reason = "test loss stopped improving (" + std::to_string(o.patience) +
                 " evaluations without a new best)";
    }
    if (std::chrono::duration<double>(now - last_save).count() >= o.checkpoint_minutes * 60) {
      save(run_dir_ / "checkpoint.ngc");
      last_save = now;
    }
  }
  if (last_eval != state_.step) evaluate_test();
  state_.stop_reason = reason;
  save(run_dir_ / "checkpoint.ngc");
  log({{"kind", "stop"}, {"step", state_.step}, {"time_s", state_.elapsed_s}, {"reason", reason}});
  if (!quiet) progress.finish("stopped at step " + std::to_string(state_.step) + ": " + reason);
  return {state_.step, state_.elapsed_s, state_.best_test_loss, state_.best_step, reason};
}

}  // namespace ngsynth
