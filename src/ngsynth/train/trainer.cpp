#include "ngsynth/train/trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "ngsynth/eval/evaluate.h"
#include "ngsynth/eval/training_plot.h"
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
  if (fs::exists(run_dir_ / "checkpoint.ngc"))
    fail_file(run_dir_, "already holds a run: use --resume to continue it, or another -o");
  fs::create_directories(run_dir_);
  json opts = {{"grain", state_.grain}, {"train", state_.train}, {"classes", state_.classes},
               {"dataset", state_.dataset}};
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
  vae_->train();
  optimizer_ = std::make_unique<torch::optim::Adam>(
      vae_->parameters(), torch::optim::AdamOptions(state_.train.lr));
  batches_ = std::make_unique<Batcher>(data_, data_.indices(Split::train),
                                       state_.train.batch_size, state_.train.seed);
}

Trainer Trainer::resume(const Dataset& data, fs::path data_path, fs::path run_dir,
                        const torch::Device& device, const std::optional<int64_t>& max_steps,
                        const std::optional<double>& max_minutes) {
  const fs::path path = run_dir / "checkpoint.ngc";
  if (!fs::exists(path)) fail_file(run_dir, "no checkpoint.ngc to resume from");
  Checkpoint cp = load_checkpoint(path);
  if (max_steps) cp.state.train.max_steps = *max_steps;
  if (max_minutes) cp.state.train.max_minutes = *max_minutes;
  cp.state.train.validate();
  Trainer t(data, std::move(data_path), std::move(run_dir), cp.state, device);
  load_module_bytes(*t.vae_, cp.weights, device, path);
  load_optimizer_bytes(*t.optimizer_, cp.optimizer, device, path);
  return t;
}

StepLoss Trainer::step() {
  const TrainOptions& o = state_.train;
  StepLoss l;
  l.lr = learning_rate_at(o, state_.step);
  l.beta = beta_at(o, state_.step);
  for (auto& group : optimizer_->param_groups())
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(l.lr);

  Batch batch = batches_->at_step(state_.step);
  batch.labels = map_labels(batch.labels, class_map_);
  at::Generator gen = make_generator(mix_seed(o.seed, static_cast<uint64_t>(state_.step)));
  torch::Tensor audio = batch.audio.to(device_);
  GrainVaeOutput out = vae_->forward(audio, batch.labels.to(device_), gen);
  const GrainOptions& g = state_.grain;
  SpectralDistance d =
      multiscale_spectral_distance(audio, out.audio, g.stft_scales, g.log_weight, g.log_eps);
  torch::Tensor kl = kl_per_grain({out.mu, out.logvar});
  torch::Tensor loss = d.total + l.beta * kl;
  optimizer_->zero_grad();
  loss.backward();
  optimizer_->step();
  ++state_.step;
  l.total = loss.item<double>();
  l.spectral = d.total.item<double>();
  l.kl = kl.item<double>();
  if (!std::isfinite(l.total))
    throw Error("training diverged at step " + std::to_string(state_.step) +
                " (loss is not finite); resume from the last checkpoint with a lower lr");
  return l;
}

double Trainer::evaluate_test() {
  if (data_.indices(Split::test).empty()) return NAN;
  EvalResult r = evaluate(vae_, state_.classes, data_, Split::test, device_,
                          mix_seed(state_.train.seed, 0xe7a1));
  const double loss = r.overall.mss;
  if (loss < state_.best_test_loss) {
    state_.best_test_loss = loss;
    state_.best_step = state_.step;
    state_.evals_since_best = 0;
    save(run_dir_ / "best.ngc");
  } else {
    ++state_.evals_since_best;
  }
  log({{"kind", "test"}, {"step", state_.step}, {"time_s", state_.elapsed_s},
       {"mss", r.overall.mss}, {"lsd_db", r.overall.lsd}, {"best", state_.best_test_loss}});
  plot_training_log(run_dir_ / "log.jsonl", run_dir_ / "training.png");
  return loss;
}

void Trainer::save(const fs::path& path) { save_checkpoint(path, state_, vae_, *optimizer_); }

void Trainer::log(const json& line) {
  std::ofstream out(run_dir_ / "log.jsonl", std::ios::app);
  out << line.dump() << "\n";
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
  while (reason.empty()) {
    if (state_.step >= o.max_steps) { reason = "reached max_steps"; break; }
    const double minutes = std::chrono::duration<double>(Clock::now() - start).count() / 60;
    if (o.max_minutes > 0 && minutes >= o.max_minutes) { reason = "reached max_minutes"; break; }
    if (stop && stop->load()) { reason = "interrupted"; break; }

    StepLoss l = step();
    avg.total += l.total; avg.spectral += l.spectral; avg.kl += l.kl; ++n_avg;
    const auto now = Clock::now();
    state_.elapsed_s = start_elapsed + std::chrono::duration<double>(now - start).count();
    const double rate = (state_.step - start_step) /
                        std::max(1e-9, std::chrono::duration<double>(now - start).count());
    if (std::chrono::duration<double>(now - last_tick).count() >= 30 || state_.step == 1) {
      log({{"kind", "train"}, {"step", state_.step}, {"time_s", state_.elapsed_s},
           {"loss", avg.total / n_avg}, {"spectral", avg.spectral / n_avg},
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
                    "step %lld/%lld  loss %.4f  spectral %.4f  kl %.2f  beta %.2e  lr %.2e  "
                    "%.2f steps/s  ETA %s",
                    (long long)state_.step, (long long)o.max_steps, l.total, l.spectral, l.kl,
                    l.beta, l.lr, rate, format_duration(eta).c_str());
      progress.update(line);
    }
    if (state_.step % o.eval_every == 0) {
      const double test = evaluate_test();
      last_eval = state_.step;
      if (!quiet) {
        char line[160];
        std::snprintf(line, sizeof line, "step %lld: test mss %.4f (best %.4f at step %lld)",
                      (long long)state_.step, test, state_.best_test_loss,
                      (long long)state_.best_step);
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
