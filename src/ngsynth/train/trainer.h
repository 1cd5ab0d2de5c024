// Training, in three stages that share one loop (Adam with exponential learning-rate decay,
// periodic test-split evaluation, early stopping, JSON-lines log, atomic checkpoints):
//   grain     the grain VAE: multi-scale spectral distance + beta * KL per grain
//   temporal  the event VAE on the frozen grain VAE's latent series (posterior means of
//             every event, computed once): standardised latent MSE + beta * free-bits KL
//   joint     both levels end to end: spectral distance of the grain path and of the
//             event path + latent MSE + beta * (grain KL + event free-bits KL)
// A run folder holds:
//   RUN/checkpoint.ngc  latest state (resume from here)
//   RUN/best.ngc        state at the best test loss (exported by default)
//   RUN/log.jsonl       one JSON object per logged interval and per evaluation
//   RUN/options.json    the options of the run, for people to read
//   RUN/training.png    training loss and test distance against steps
#pragma once

#include <torch/torch.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ngsynth/data/dataset.h"
#include "ngsynth/model/grain_vae.h"
#include "ngsynth/model/model_file.h"
#include "ngsynth/model/batcher.h"
#include "ngsynth/train/checkpoint.h"

namespace ngsynth {

struct StepLoss {
  double total = 0;
  double recon = 0;  // spectral distance (grain, joint) or latent MSE (temporal)
  double kl = 0;     // per grain (grain stage) or per event (temporal, joint)
  double beta = 0;
  double lr = 0;
};

struct TrainSummary {
  int64_t steps = 0;
  double elapsed_s = 0;
  double best_test_loss = 0;
  int64_t best_step = -1;
  std::string stop_reason;
};

class Trainer {
 public:
  // A fresh run in `run_dir` (created; an existing checkpoint there is an error, so that
  // nothing is overwritten by mistake), or, with resume, the run continued from
  // run_dir/checkpoint.ngc. `data` must outlive the trainer.
  Trainer(const Dataset& data, std::filesystem::path data_path, std::filesystem::path run_dir,
          GrainOptions grain, TrainOptions train, const torch::Device& device);
  // A temporal stage (a new event VAE on the latents of base's grain VAE, frozen) or a
  // joint stage (base's two levels fine-tuned together) in a fresh run folder.
  Trainer(const Dataset& data, std::filesystem::path data_path, std::filesystem::path run_dir,
          Stage stage, Model& base, const std::filesystem::path& base_path,
          EventOptions event, TrainOptions train, const torch::Device& device);
  // The run in run_dir continued. With `base` (a temporal or joint run), an Error unless
  // the run started from base's grain VAE: an event level is never paired with a grain
  // level it was not trained on.
  static Trainer resume(const Dataset& data, std::filesystem::path data_path,
                        std::filesystem::path run_dir, const torch::Device& device,
                        const std::optional<int64_t>& max_steps,
                        const std::optional<double>& max_minutes, Model* base = nullptr,
                        const std::filesystem::path& base_path = {});

  // One optimisation step on the batch of the current step.
  StepLoss step();
  // Trains until max_steps, max_minutes (of this call), early stop, or *stop becomes true;
  // prints progress to stderr unless quiet. Always leaves a checkpoint behind.
  TrainSummary run(const std::atomic<bool>* stop = nullptr, bool quiet = false);

  // Test-split loss (mss, or latent MSE in the temporal stage); updates the best and
  // early-stopping state, the log and the picture. In the event stages with a judge, also
  // logs how many sampled events the classifier hears as the class they were sampled for.
  double evaluate_test();
  // The drum classifier that the event stages' test evaluations judge samples with,
  // `samples` events per class (class priors fitted to the current event encoder).
  void set_judge(Classifier classifier, int samples = 8);
  // For a caller running several stages (`ngsynth make`): progress lines start with
  // `label` and end with the time left for the whole job: this stage's ETA plus
  // later_s(this stage's steps per second), the caller's estimate of the stages after it.
  void set_progress_frame(std::string label, std::function<double(double)> later_s);
  void save(const std::filesystem::path& path);
  const TrainState& state() const { return state_; }
  GrainVae& model() { return vae_; }
  EventVae& event_model() { return event_; }  // null in the grain stage
  int64_t trainable_parameters();

 private:
  Trainer(const Dataset& data, std::filesystem::path data_path, std::filesystem::path run_dir,
          TrainState state, const torch::Device& device);
  void start_run_folder();
  void cache_latents();
  StepLoss grain_step(const Batch& batch, at::Generator& gen, double beta);
  StepLoss temporal_step(const Batch& batch, at::Generator& gen, double beta);
  StepLoss joint_step(const Batch& batch, at::Generator& gen, double beta);
  double evaluate_temporal(nlohmann::json& line);
  void judge_samples(nlohmann::json& line);
  // With --max-minutes, shortens max_steps to what the budget allows at the measured step
  // rate, so that the learning rate decays and beta warms up within the time given.
  void fit_schedule(double steps_per_s, double seconds_left);
  void log(const nlohmann::json& line);

  const Dataset& data_;
  std::filesystem::path data_path_;
  std::filesystem::path run_dir_;
  TrainState state_;
  torch::Device device_;
  GrainVae vae_{nullptr};
  EventVae event_{nullptr};
  nlohmann::json last_test_;  // the last test evaluation's log line
  torch::Tensor latents_;  // temporal stage: (events, grains, z_dim) posterior means
  std::unique_ptr<torch::optim::Adam> optimizer_;
  std::unique_ptr<Batcher> batches_;
  std::vector<int64_t> class_map_;
  Classifier judge_;
  int judge_samples_ = 0;
  std::string frame_label_;
  std::function<double(double)> frame_later_s_;
};

}  // namespace ngsynth
