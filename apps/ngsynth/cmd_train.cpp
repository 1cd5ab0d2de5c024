// ngsynth train: trains a stage of a model (grain VAE, event VAE, or both) into a run
// folder, resumable.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include <algorithm>

#include "ngsynth/data/dataset.h"
#include "ngsynth/model/device.h"
#include "ngsynth/train/trainer.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/progress.h"

namespace ngsynth::cli {
namespace {


struct TrainArgs {
  std::string data, run, preset, device = "cpu", stage = "grain", model;
  std::optional<int64_t> max_steps;
  std::optional<double> max_minutes;
  std::optional<uint64_t> seed;
  std::optional<int> threads;
  std::vector<std::string> set;
  bool resume = false, quiet = false;
  int judge_samples = 8;
};

// ngsynth train --stage classifier: the drum classifier of a dataset, to a .ngk file.
int train_classifier_file(const TrainArgs& a, const Dataset& data) {
  nlohmann::json o = ClassifierOptions{};
  apply_overrides(o, a.set);
  ClassifierOptions options = o.get<ClassifierOptions>();
  if (a.seed) options.seed = *a.seed;
  if (a.max_steps) options.steps = static_cast<int>(*a.max_steps);
  if (a.resume) throw Error("the classifier stage is short and has nothing to resume");
  if (std::filesystem::exists(a.run)) fail_file(a.run, "already exists: give another -o");
  if (a.threads) set_threads(*a.threads);
  Progress progress(stderr, 5.0);
  Classifier c = train_classifier(data, options, [&](int step, int steps, double loss) {
    if (a.quiet) return;
    char line[128];
    std::snprintf(line, sizeof line, "classifier step %d/%d  loss %.4f", step, steps, loss);
    progress.update(line);
  });
  if (!a.quiet) progress.finish("classifier trained");
  save_classifier(a.run, c);
  std::printf("%s: drum classifier of %zu classes, %.0f %% of %d test events recognised "
              "(train %.0f %%)\n",
              a.run.c_str(), c.classes.size(), 100 * c.info["test"].value("accuracy", 0.0),
              c.info["test"].value("events", 0), 100 * c.info["train"].value("accuracy", 0.0));
  for (const auto& [name, row] : c.info["test"]["classes"].items())
    std::printf("  %-10s %3d test events  %5.1f %%\n", name.c_str(), row.value("events", 0),
                100 * row.value("accuracy", 0.0));
  return 0;
}

// The options of the stage: the preset's, then --set overrides (each key belongs to the
// model options of the stage, grain or event, or to its training options).
struct StageOptions {
  GrainOptions grain;
  EventOptions event;
  TrainOptions train;
};

StageOptions build_options(const TrainArgs& a, Stage stage, const std::string& preset) {
  const Preset p = make_preset(preset);
  const bool grain_stage = stage == Stage::grain;
  nlohmann::json model = grain_stage ? nlohmann::json(p.grain) : nlohmann::json(p.event);
  nlohmann::json t = p.train_for(stage);
  for (const auto& kv : a.set) {
    const std::string key = kv.substr(0, kv.find('='));
    apply_overrides(model.contains(key) ? model : t, {kv});
  }
  StageOptions o;
  if (grain_stage) o.grain = model.get<GrainOptions>();
  else o.event = model.get<EventOptions>();
  o.train = t.get<TrainOptions>();
  if (a.max_steps) o.train.max_steps = *a.max_steps;
  if (a.max_minutes) o.train.max_minutes = *a.max_minutes;
  if (a.seed) o.train.seed = *a.seed;
  if (a.threads) o.train.threads = *a.threads;
  return o;
}

// A temporal or joint stage takes the preset of the model it starts from, if it has one.
std::string preset_for(const TrainArgs& a, const Model* base) {
  if (!a.preset.empty()) return a.preset;
  if (base) {
    const auto& names = preset_names();
    const std::string& p = base->info.grain.preset;
    if (std::find(names.begin(), names.end(), p) != names.end()) return p;
  }
  return "fast";
}

}  // namespace

Run add_train(CLI::App& app) {
  auto a = std::make_shared<TrainArgs>();
  app.footer(
      "Train a model on a dataset made by `ngsynth prepare`, one stage at a time:\n"
      "  grain     the grain VAE (the default; start here)\n"
      "  temporal  the event VAE over the grain latents of whole events, on a grain model\n"
      "            given with --model; it makes `sample` and `morph` possible\n"
      "  joint     fine-tunes both levels of a --model that has an event level\n"
      "  classifier  the drum classifier that judges generated events (`ngsynth eval`);\n"
      "            -o names the .ngk file to write\n"
      "Export each stage with `ngsynth export RUN -o MODEL.ngs`. Progress goes to stderr;\n"
      "RUN/log.jsonl logs losses and test evaluations (with the event KL and the active\n"
      "embedding dimensions in the temporal stage); RUN/checkpoint.ngc is written every few\n"
      "minutes and on Ctrl-C, so `--resume` continues exactly where a run stopped. Training\n"
      "stops at --max-steps, --max-minutes, or when the test loss stops improving.\n"
      "Example: ngsynth train --stage temporal --model drums.ngs --data drums.ngd -o runs/ev");
  app.add_option("--data", a->data, "Dataset file from `ngsynth prepare`")->required();
  app.add_option("-o,--output", a->run, "Run folder (created)")->required();
  std::vector<std::string> stages(EnumNames<Stage>::names.begin(), EnumNames<Stage>::names.end());
  stages.push_back("classifier");
  app.add_option("--stage", a->stage, "grain, temporal, joint or classifier")
      ->check(CLI::IsMember(stages));
  app.add_option("--model", a->model, "Model file to start from (temporal and joint stages; with --resume, checked to hold the grain level the run was trained on)");
  app.add_option("--preset", a->preset,
                 "Settings preset: fast (CPU), paper, or tonal (fast with the tonal bank beside the noise; default: fast, or the --model's)")
      ->check(CLI::IsMember(preset_names()));
  app.add_option("--max-steps", a->max_steps, "Stop after this many steps in total");
  app.add_option("--max-minutes", a->max_minutes, "Stop after this many minutes of this call");
  app.add_flag("--resume", a->resume, "Continue the run in the output folder");
  app.add_option("--device", a->device, "cpu, or cuda on a CUDA build");
  app.add_option("--seed", a->seed, "Seed of weights, batches and noise");
  app.add_option("--threads", a->threads, "CPU threads (default: all cores)");
  app.add_option("--set", a->set,
                 "Override any option of the stage: --set z_dim=64 --set lr=5e-4 "
                 "(temporal: --set embed_dim=32 --set free_bits=0.2)");
  app.add_flag("-q,--quiet", a->quiet, "No progress lines");
  app.add_option("--judge-samples", a->judge_samples,
                 "Temporal and joint stages: events sampled per class at each test evaluation "
                 "and judged by the dataset's drum classifier (0: none)")
      ->check(CLI::Range(0, 1000));
  return [a] {
    const torch::Device device = parse_device(a->device);
    const Dataset data = load_dataset(a->data);
    if (a->stage == "classifier") return train_classifier_file(*a, data);
    const std::atomic<bool>& stop = catch_interrupts();
    auto trainer = [&] {
      if (a->resume) {
        if (!a->set.empty()) throw Error("--set cannot change the options of a resumed run");
        if (a->model.empty())
          return Trainer::resume(data, a->data, a->run, device, a->max_steps, a->max_minutes);
        Model base = load_model(a->model, device);  // checked against the run's grain level
        return Trainer::resume(data, a->data, a->run, device, a->max_steps, a->max_minutes,
                               &base, a->model);
      }
      const Stage stage = parse_stage(a->stage);
      if (stage == Stage::grain) {
        if (!a->model.empty()) throw Error("--model is for the temporal and joint stages");
        StageOptions o = build_options(*a, stage, preset_for(*a, nullptr));
        return Trainer(data, a->data, a->run, o.grain, o.train, device);
      }
      if (a->model.empty())
        throw Error("the " + a->stage + " stage starts from a trained model: give --model");
      Model base = load_model(a->model, device);
      StageOptions o = build_options(*a, stage, preset_for(*a, &base));
      return Trainer(data, a->data, a->run, stage, base, a->model, o.event, o.train, device);
    }();
    const TrainState& s = trainer.state();
    if (s.stage != Stage::grain && a->judge_samples > 0)
      trainer.set_judge(dataset_classifier(a->data, data, ClassifierOptions{},
                                           [](const std::string& line) {
                                             std::fprintf(stderr, "%s\n", line.c_str());
                                           }),
                        a->judge_samples);
    std::fprintf(stderr,
                 "%s %s (%s stage): %zu train / %zu test events, %zu classes, "
                 "%lld trained parameters, %s\n",
                 a->resume ? "resuming" : "training", a->run.c_str(), enum_name(s.stage),
                 data.indices(Split::train).size(), data.indices(Split::test).size(),
                 data.classes.size(), (long long)trainer.trainable_parameters(),
                 a->resume ? ("from step " + std::to_string(s.step)).c_str() : "from scratch");
    TrainSummary sum = trainer.run(&stop, a->quiet);
    std::printf("%s: %lld steps, %.1f min, best test %s %.4f at step %lld (%s)\n",
                a->run.c_str(), (long long)sum.steps, sum.elapsed_s / 60,
                s.stage == Stage::temporal ? "latent mse" : s.stage == Stage::joint ? "event-path mss" : "mss",
                sum.best_test_loss,
                (long long)sum.best_step, sum.stop_reason.c_str());
    return 0;
  };
}

}  // namespace ngsynth::cli
