// ngsynth make: a playable model from sound folders in one command: prepare, the grain
// stage, the event stage, export and the class-fidelity report, resumable by running the
// same command again. Each stage is the library's own (the same as `prepare`, `train`,
// `export`, `eval`); this file orders them, splits the time budget and keeps a work folder.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>

#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "ngsynth/data/dataset.h"
#include "ngsynth/data/prepare.h"
#include "ngsynth/eval/fidelity.h"
#include "ngsynth/model/classifier.h"
#include "ngsynth/model/device.h"
#include "ngsynth/model/model_file.h"
#include "ngsynth/spec/options.h"
#include "ngsynth/train/export.h"
#include "ngsynth/train/trainer.h"
#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/progress.h"
#include "ngsynth/util/version.h"

namespace ngsynth::cli {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// Shares of the time budget: the grain level needs most of it (the class fidelity of
// samples grows with grain training, issue 8's measurements); the event stage converges in
// about a quarter of that; the rest is left for the classifier, the exports and the report.
constexpr double kGrainShare = 0.70, kEventShare = 0.22;
// For the whole job's ETA with exact step counts, measured on the default model's run (fast
// preset, 2 cores): an event step costs about this many grain steps, and the final export
// and class-fidelity report about this many.
constexpr double kEventStepCost = 1.15, kFinishCost = 20;

struct MakeArgs {
  std::vector<std::string> sources;
  std::string output, work, preset = "fast", rules;
  double minutes = 60;
  std::optional<int64_t> grain_steps, event_steps;
  std::vector<std::string> set_grain, set_event;
  uint64_t seed = 1;
  std::optional<int> threads;
  bool no_classifier = false, quiet = false, half = false;
};

// What a work folder was started with: a re-run with other settings is refused, so a
// model is never trained half on one dataset and half on another.
json settings(const MakeArgs& a) {
  json sources = json::array();
  for (const auto& s : a.sources) sources.push_back(fs::absolute(s).lexically_normal().string());
  return {{"sources", sources}, {"preset", a.preset}, {"classes", a.rules},
          {"set_grain", a.set_grain}, {"set_event", a.set_event}, {"seed", a.seed}};
}

// The training budget: changing it on a re-run trains both levels further (the event level
// afresh on the new grain level), where the same command again only continues.
json budget(const MakeArgs& a) {
  json b = {{"minutes", a.minutes}};
  if (a.grain_steps) b["grain_steps"] = *a.grain_steps;
  if (a.event_steps) b["event_steps"] = *a.event_steps;
  return b;
}

class Make {
 public:
  Make(const MakeArgs& a) : a_(a), work_(a.work), start_(Clock::now()) {
    if (work_.empty()) {
      fs::path out(a.output);
      work_ = out.parent_path() / (out.stem().string() + ".make");
    }
  }

  int run() {
    open_work_folder();
    const std::atomic<bool>& stop = catch_interrupts();
    prepare();
    const Dataset data = load_dataset(data_path());
    if (a_.no_classifier) {
      stage(2, "drum classifier: none (--no-classifier)");
    } else {
      stage(2, "drum classifier (judges the samples)");
      classifier_ = dataset_classifier(data_path(), data, ClassifierOptions{}, log_line());
    }
    stage(3, "grain VAE");
    if (!train_grain(data, stop)) return interrupted();
    stage(4, "event VAE");
    if (!train_event(data, stop)) return interrupted();
    stage(5, "export and class-fidelity report");
    finish(data);
    return 0;
  }

 private:
  using Clock = std::chrono::steady_clock;
  fs::path data_path() const { return work_ / "data.ngd"; }
  fs::path grain_run() const { return work_ / "grain"; }
  fs::path grain_model() const { return work_ / "grain.ngs"; }
  fs::path event_run() const { return work_ / "event"; }
  double budget_s(double share) const { return share * a_.minutes * 60; }

  std::function<void(const std::string&)> log_line() const {
    return [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  }

  // One line per stage with the time spent and the whole run's expected end.
  void stage(int n, const std::string& what) {
    const double spent = std::chrono::duration<double>(Clock::now() - start_).count();
    double left = 0;  // budget of this and the later training stages still to come
    if (n <= 3 && !a_.grain_steps) left += std::max(0.0, budget_s(kGrainShare) - trained_s("grain"));
    if (n <= 4 && !a_.event_steps) left += std::max(0.0, budget_s(kEventShare) - trained_s("event"));
    std::string eta;
    if (left > 0) eta = ", about " + format_duration(left) + " of training left";
    std::fprintf(stderr, "make [%d/5] %s (%s so far%s)\n", n, what.c_str(),
                 format_duration(spent).c_str(), eta.c_str());
  }
  double trained_s(const std::string& run) const {
    const fs::path cp = work_ / run / "checkpoint.ngc";
    return fs::exists(cp) ? load_checkpoint(cp).state.elapsed_s : 0;
  }

  void open_work_folder() {
    const fs::path file = work_ / "make.json";
    const json want = settings(a_);
    if (fs::exists(file)) {
      std::ifstream in(file);
      json have;
      try {
        have = json::parse(in);
      } catch (const json::exception& e) {
        fail_file(file, std::string("not a make state file: ") + e.what());
      }
      if (have.value("settings", json()) != want)
        fail_file(work_, "was started with other sources or options (see its make.json): run "
                         "the same command again, or give another --work");
      state_ = have;
      std::fprintf(stderr, "make: continuing in %s\n", work_.c_str());
      if (state_.value("budget", json()) != budget(a_)) {
        json kept = json::array();
        for (const auto& d : state_["done"]) if (d == "prepare") kept.push_back(d);
        state_["done"] = kept;
        state_["budget"] = budget(a_);
        save_state();
        std::fprintf(stderr, "make: new training budget: both levels train further\n");
      }
    } else {
      if (fs::exists(work_) && !fs::is_empty(work_))
        fail_file(work_, "exists and is not a make work folder: give another --work");
      fs::create_directories(work_);
      if (fs::exists(a_.output))
        fail_file(a_.output, "already exists: give another -o (make never replaces a model it "
                             "did not make)");
      state_ = {{"settings", want}, {"budget", budget(a_)}, {"done", json::array()}};
      save_state();
    }
  }
  bool done(const std::string& s) const {
    for (const auto& d : state_["done"]) if (d == s) return true;
    return false;
  }
  void mark_done(const std::string& s) {
    state_["done"].push_back(s);
    save_state();
  }
  void save_state() { write_file_atomically(work_ / "make.json", state_.dump(2) + "\n"); }

  void prepare() {
    stage(1, "prepare the sounds");
    if (done("prepare")) return;
    PrepareOptions o;
    const GrainOptions g = make_preset(a_.preset).grain;
    o.sample_rate = g.sample_rate;
    o.event_length = g.event_length();
    o.rules_path = a_.rules;
    std::vector<fs::path> sources(a_.sources.begin(), a_.sources.end());
    Progress progress;
    PrepareResult r = prepare_dataset(sources, o, [&](std::size_t done, std::size_t total,
                                                      const std::string& file) {
      if (!a_.quiet) progress.update("prepare: " + std::to_string(done) + "/" +
                                     std::to_string(total) + " " + file, done == total);
    });
    if (!a_.quiet) progress.finish("prepare: " + std::to_string(r.manifest.size()) + " files read");
    write_prepared(r, data_path());
    mark_done("prepare");
  }

  TrainOptions train_options(Stage stage, nlohmann::json& model,
                             const std::vector<std::string>& set,
                             const std::optional<int64_t>& steps, double share) const {
    json t = make_preset(a_.preset).train_for(stage);
    for (const auto& kv : set) {
      const std::string key = kv.substr(0, kv.find('='));
      apply_overrides(model.contains(key) ? model : t, {kv});
    }
    TrainOptions o = t.get<TrainOptions>();
    o.seed = a_.seed;
    if (a_.threads) o.threads = *a_.threads;
    if (steps) {
      o.max_steps = *steps;
      o.max_minutes = 0;
    } else {
      o.max_minutes = budget_s(share) / 60;
    }
    return o;
  }

  // Minutes left of a stage's budget for a resumed run (0: spent); none with exact steps.
  std::optional<double> minutes_left(const fs::path& run, double share,
                                     const std::optional<int64_t>& steps) const {
    if (steps) return std::nullopt;
    const double left = budget_s(share) - load_checkpoint(run / "checkpoint.ngc").state.elapsed_s;
    return std::max(left, 0.0) / 60;
  }

  // The progress line's whole-job ETA: the stages after the grain stage (event_stage
  // false) or the event stage, given the current stage's step rate: the event stage's time
  // share or its steps left, then the export and report. An estimate.
  std::function<double(double)> later_s(bool event_stage) const {
    double event_s = 0, event_steps = 0;
    if (!event_stage) {
      const fs::path cp = event_run() / "checkpoint.ngc";
      if (a_.event_steps)
        event_steps = static_cast<double>(std::max<int64_t>(
            0, *a_.event_steps - (fs::exists(cp) ? load_checkpoint(cp).state.step : 0)));
      else
        event_s = std::max(0.0, budget_s(kEventShare) - trained_s("event"));
    }
    return [=](double steps_per_s) {
      const double grain_step_s = 1 / std::max(steps_per_s, 1e-9) / (event_stage ? kEventStepCost : 1);
      return event_s + (event_steps * kEventStepCost + kFinishCost) * grain_step_s;
    };
  }

  // Trains (or continues) a run of the grain or the event stage; false when interrupted.
  bool train(Trainer& t, const std::atomic<bool>& stop, bool event_stage) {
    if (event_stage && !classifier_.empty()) t.set_judge(classifier_, 8);
    t.set_progress_frame(event_stage ? "[make 4/5 event]" : "[make 3/5 grain]", later_s(event_stage));
    const TrainSummary s = t.run(&stop, a_.quiet);
    return s.stop_reason != "interrupted";
  }

  bool train_grain(const Dataset& data, const std::atomic<bool>& stop) {
    if (!done("grain")) {
      const torch::Device cpu(torch::kCPU);
      if (fs::exists(grain_run() / "checkpoint.ngc")) {
        const auto left = minutes_left(grain_run(), kGrainShare, a_.grain_steps);
        if (!left || *left > 0) {
          Trainer t = Trainer::resume(data, data_path(), grain_run(), cpu, a_.grain_steps,
                                      left ? std::optional<double>(*left) : std::nullopt);
          if (!train(t, stop, false)) return false;
        }
      } else {
        json model = make_preset(a_.preset).grain;
        const TrainOptions o = train_options(Stage::grain, model, a_.set_grain, a_.grain_steps, kGrainShare);
        Trainer t(data, data_path(), grain_run(), model.get<GrainOptions>(), o, cpu);
        if (!train(t, stop, false)) return false;
      }
      ExportedRun r = export_run(grain_run(), false, data_path());
      save_model(grain_model(), r.model);
      mark_done("grain");
    }
    return true;
  }

  bool train_event(const Dataset& data, const std::atomic<bool>& stop) {
    if (done("event")) return true;
    const torch::Device cpu(torch::kCPU);
    Model grain = load_model(grain_model());
    if (fs::exists(event_run() / "checkpoint.ngc") &&
        load_checkpoint(event_run() / "checkpoint.ngc").state.base_grain !=
            weights_fingerprint(*grain.vae)) {
      // Never pair an event level with a grain level it was not trained on.
      fs::path kept = work_ / "event.old";
      for (int i = 2; fs::exists(kept); ++i) kept = work_ / ("event.old" + std::to_string(i));
      fs::rename(event_run(), kept);
      std::fprintf(stderr, "make: the grain level changed: the event level trains afresh (old "
                           "run kept in %s)\n", kept.c_str());
    }
    if (fs::exists(event_run() / "checkpoint.ngc")) {
      const auto left = minutes_left(event_run(), kEventShare, a_.event_steps);
      if (!left || *left > 0) {
        Trainer t = Trainer::resume(data, data_path(), event_run(), cpu, a_.event_steps,
                                    left ? std::optional<double>(*left) : std::nullopt, &grain,
                                    grain_model());
        if (!train(t, stop, true)) return false;
      }
    } else {
      json model = make_preset(a_.preset).event;
      const TrainOptions o = train_options(Stage::temporal, model, a_.set_event, a_.event_steps, kEventShare);
      Trainer t(data, data_path(), event_run(), Stage::temporal, grain, grain_model(),
                model.get<EventOptions>(), o, cpu);
      if (!train(t, stop, true)) return false;
    }
    mark_done("event");
    return true;
  }

  void finish(const Dataset& data) {
    ExportedRun r = export_run(event_run(), false, data_path());
    Model& m = r.model;
    m.classifier = classifier_;
    m.info.training["made_by"] = settings(a_);
    m.info.training["made_by"]["ngsynth"] = version_text();
    m.info.training["made_by"]["budget"] = budget(a_);
    m.info.training["made_by"]["command"] = command_line();  // the call that finished it
    save_model(a_.output, m, a_.half ? rt::Storage::float16 : rt::Storage::float32);
    if (a_.half) m = load_model(a_.output);  // judge the rounded weights that will play
    std::printf("\nmodel %s: %zu classes, grain and event levels (event run at step %lld)\n",
                a_.output.c_str(), m.info.classes.size(), (long long)r.step);
    print_dataset(data);
    if (classifier_.empty()) {
      std::printf("no class-fidelity report (--no-classifier)\n");
      return;
    }
    const FidelityReport f = evaluate_fidelity(m, classifier_, data, Split::test, FidelityOptions{});
    write_file_atomically(work_ / "report.json", f.to_json().dump(2) + "\n");
    write_file_atomically(work_ / "report.txt", f.table());
    std::printf("\nDo the samples sound like their class? The drum classifier of this data "
                "recognises real test sounds and sampled hits (%d per class):\n",
                f.options.samples);
    auto percent = [](double x) {
      char b[16];
      if (std::isnan(x)) return std::string("-");  // no test sounds of the class
      std::snprintf(b, sizeof b, "%.0f %%", 100 * x);
      return std::string(b);
    };
    std::printf("  %-12s %10s %10s\n", "class", "real", "sampled");
    for (const auto& c : f.classes)
      std::printf("  %-12s %10s %10s\n", c.name.c_str(), percent(c.real_accuracy).c_str(),
                  percent(c.sampled_accuracy).c_str());
    std::printf("  %-12s %10s %10s\n", "all", percent(f.overall.real_accuracy).c_str(),
                percent(f.overall.sampled_accuracy).c_str());
    std::printf("full report: %s (and report.json); try: ngsynth sample --model %s -o hits\n",
                (work_ / "report.txt").c_str(), a_.output.c_str());
  }

  // Classes found, and the files not used with why (from the dataset's manifest).
  void print_dataset(const Dataset& d) const {
    std::vector<int> count(d.classes.size(), 0);
    for (const auto& e : d.entries) ++count.at(static_cast<std::size_t>(e.class_index));
    std::string classes;
    for (std::size_t c = 0; c < d.classes.size(); ++c)
      classes += (c ? ", " : "") + d.classes[c] + " " + std::to_string(count[c]);
    std::printf("sounds used: %zu (%s)\n", d.entries.size(), classes.c_str());
    std::ifstream in(manifest_path(data_path()));
    const json manifest = json::parse(in, nullptr, false);
    if (manifest.is_discarded() || !manifest.contains("files")) return;
    std::map<std::string, int> why;
    for (const auto& f : manifest["files"])
      if (!f.value("accepted", true)) ++why[reason_category(f.value("reason", ""))];
    for (const auto& [reason, n] : why) std::printf("not used: %d files, %s\n", n, reason.c_str());
    std::printf("every file and why: %s\n", manifest_path(data_path()).c_str());
  }

  int interrupted() const {
    std::fprintf(stderr, "make: stopped; run the same command again to continue from here\n");
    return 130;
  }

  const MakeArgs& a_;
  fs::path work_;
  Clock::time_point start_;
  json state_;
  Classifier classifier_;
};

}  // namespace

Run add_make(CLI::App& app) {
  auto a = std::make_shared<MakeArgs>();
  app.description(
      "Make a playable model from your sounds in one command: import them (as `prepare`),\n"
      "train the drum classifier that judges samples, the grain VAE and the event VAE (as\n"
      "`train`), export the model and report whether sampled hits sound like their class\n"
      "(as `eval`). --minutes is the whole training budget: 70 % grain level, 22 % event\n"
      "level, the rest for the classifier, exports and the report.\n"
      "Everything in between lives in a work folder (default: MODEL's name + .make beside\n"
      "it). Ctrl-C, a kill or a power cut loses at most a few minutes: run the same command\n"
      "again and it continues where it stopped. An event level is only ever paired with the\n"
      "grain level it was trained on.");
  app.footer(
      "Examples:\n"
      "  ngsynth make my_samples/ -o mine.ngs                  # class folders: kick/, snare/, ...\n"
      "  ngsynth make /usr/share/hydrogen/data/drumkits -o drums.ngs --minutes 60\n"
      "SOURCE: as for `ngsynth prepare` (Hydrogen kits, folders of kits, class folders).");
  app.add_option("sources", a->sources, "Kit folders, folders of kits, or class folders")->required();
  app.add_option("-o,--output", a->output, "Model file to write (.ngs)")->required();
  app.add_option("--minutes", a->minutes, "Training budget for the whole model")
      ->check(CLI::Range(0.1, 100000.0))->capture_default_str();
  app.add_option("--work", a->work, "Work folder (default: MODEL.make beside the model)");
  app.add_option("--preset", a->preset, "fast (CPU), paper, or tonal (fast with the tonal bank beside the noise)")
      ->check(CLI::IsMember(preset_names()))->capture_default_str();
  app.add_option("--classes", a->rules, "JSON class rules for kit instrument names (as prepare)");
  app.add_option("--seed", a->seed, "Seed of the training runs")->capture_default_str();
  app.add_option("--threads", a->threads, "CPU threads")->check(CLI::PositiveNumber);
  app.add_option("--grain-steps", a->grain_steps,
                 "Train the grain level exactly this many steps (instead of its time share)")
      ->check(CLI::PositiveNumber);
  app.add_option("--event-steps", a->event_steps,
                 "Train the event level exactly this many steps (instead of its time share)")
      ->check(CLI::PositiveNumber);
  app.add_option("--set-grain", a->set_grain, "Grain-stage option, as `train --set`");
  app.add_option("--set-event", a->set_event, "Event-stage option, as `train --stage temporal --set`");
  app.add_flag("--no-classifier", a->no_classifier,
               "No drum classifier: no judging during training and no fidelity report");
  app.add_flag("--half", a->half, "Store the model's weights as float16 (half the file; as `export --half`)");
  app.add_flag("-q,--quiet", a->quiet, "No progress lines within the stages");
  return [a] {
    fs::path out(a->output);
    if (fs::is_directory(out)) fail_file(out, "is a folder; expected a model file name");
    if (a->threads) set_threads(*a->threads);
    return Make(*a).run();
  };
}

}  // namespace ngsynth::cli
