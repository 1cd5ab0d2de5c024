// ngsynth train: trains the grain VAE of a dataset into a run folder, resumable.
#include <csignal>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "ngsynth/data/dataset.h"
#include "ngsynth/model/device.h"
#include "ngsynth/train/trainer.h"
#include "ngsynth/util/error.h"

namespace ngsynth::cli {
namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

struct TrainArgs {
  std::string data, run, preset = "fast", device = "cpu";
  std::optional<int64_t> max_steps;
  std::optional<double> max_minutes;
  std::optional<uint64_t> seed;
  std::optional<int> threads;
  std::vector<std::string> set;
  bool resume = false, quiet = false;
};

// Preset, then --set overrides (each key belongs to the grain or the train options).
Preset build_options(const TrainArgs& a) {
  Preset p = make_preset(a.preset);
  nlohmann::json g = p.grain, t = p.train;
  for (const auto& kv : a.set) {
    const std::string key = kv.substr(0, kv.find('='));
    apply_overrides(g.contains(key) ? g : t, {kv});
  }
  p.grain = g.get<GrainOptions>();
  p.train = t.get<TrainOptions>();
  if (a.max_steps) p.train.max_steps = *a.max_steps;
  if (a.max_minutes) p.train.max_minutes = *a.max_minutes;
  if (a.seed) p.train.seed = *a.seed;
  if (a.threads) p.train.threads = *a.threads;
  return p;
}

}  // namespace

Run add_train(CLI::App& app) {
  auto a = std::make_shared<TrainArgs>();
  app.footer(
      "Train the grain VAE on a dataset made by `ngsynth prepare`. Progress goes to stderr;\n"
      "RUN/log.jsonl logs losses and test evaluations; RUN/checkpoint.ngc is written every\n"
      "few minutes and on Ctrl-C, so `--resume` continues exactly where a run stopped.\n"
      "Training stops at --max-steps, --max-minutes, or when the test loss stops improving.");
  app.add_option("--data", a->data, "Dataset file from `ngsynth prepare`")->required();
  app.add_option("-o,--output", a->run, "Run folder (created)")->required();
  app.add_option("--preset", a->preset, "Settings preset: fast (CPU) or paper")
      ->check(CLI::IsMember(preset_names()));
  app.add_option("--max-steps", a->max_steps, "Stop after this many steps in total");
  app.add_option("--max-minutes", a->max_minutes, "Stop after this many minutes of this call");
  app.add_flag("--resume", a->resume, "Continue the run in the output folder");
  app.add_option("--device", a->device, "cpu, or cuda on a CUDA build");
  app.add_option("--seed", a->seed, "Seed of weights, batches and noise");
  app.add_option("--threads", a->threads, "CPU threads (default: all cores)");
  app.add_option("--set", a->set, "Override any option: --set z_dim=64 --set lr=5e-4");
  app.add_flag("-q,--quiet", a->quiet, "No progress lines");
  return [a] {
    const torch::Device device = parse_device(a->device);
    const Dataset data = load_dataset(a->data);
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    auto trainer = [&] {
      if (a->resume) {
        if (!a->set.empty()) throw Error("--set cannot change the options of a resumed run");
        return Trainer::resume(data, a->data, a->run, device, a->max_steps, a->max_minutes);
      }
      Preset p = build_options(*a);
      return Trainer(data, a->data, a->run, p.grain, p.train, device);
    }();
    const TrainState& s = trainer.state();
    std::fprintf(stderr, "%s %s: %zu train / %zu test events, %zu classes, %lld parameters, %s\n",
                 a->resume ? "resuming" : "training", a->run.c_str(),
                 data.indices(Split::train).size(), data.indices(Split::test).size(),
                 data.classes.size(), (long long)count_parameters(*trainer.model()),
                 a->resume ? ("from step " + std::to_string(s.step)).c_str() : "from scratch");
    TrainSummary sum = trainer.run(&g_stop, a->quiet);
    std::printf("%s: %lld steps, %.1f min, best test mss %.4f at step %lld (%s)\n",
                a->run.c_str(), (long long)sum.steps, sum.elapsed_s / 60, sum.best_test_loss,
                (long long)sum.best_step, sum.stop_reason.c_str());
    return 0;
  };
}

}  // namespace ngsynth::cli
