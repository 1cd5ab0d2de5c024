// ngsynth eval: reconstruction metrics and class fidelity of a model on a dataset split.
#include <cmath>
#include <cstdio>

#include "cli_common.h"
#include "commands.h"
#include "ngsynth/data/dataset.h"
#include "ngsynth/eval/evaluate.h"
#include "ngsynth/eval/fidelity.h"
#include "ngsynth/model/device.h"
#include "ngsynth/model/model_file.h"
#include "ngsynth/model/batcher.h"
#include "ngsynth/util/atomic_file.h"

namespace ngsynth::cli {

Run add_eval(CLI::App& app) {
  struct Args {
    std::string model, data, json, split = "test", device = "cpu", classifier, prior;
    uint64_t seed = 1234;
    bool event_path = false, no_fidelity = false, raw_level = false;
    FidelityOptions fidelity;
  };
  auto a = std::make_shared<Args>();
  app.footer(
      "Auto-encode every event of a dataset split and report, per class and overall, the\n"
      "multi-scale spectral distance (mss, the training distance) and the log-spectral\n"
      "distance in dB (lsd); both are defined in the README. Lower is better. For a model\n"
      "with an event level, also reports its latent MSE, KL per event and active embedding\n"
      "dimensions; --event-path scores events that went through the event level too.\n"
      "\n"
      "Class fidelity: a drum classifier trained on the dataset's training split (the one\n"
      "stored in the model by `export`, else the dataset's cached one, trained and cached\n"
      "beside it when missing) reports its accuracy on the real events of the split (the\n"
      "ceiling), on N events sampled per class (are they heard as the class asked for?) and\n"
      "on the split's resyntheses (at their originals' loudness, as `resynth` gives them),\n"
      "beside its accuracy on the split's events rebuilt from their exact STFT magnitudes\n"
      "(the model's grain and hop) with random phases ('ceil%': what a decoder of filtered\n"
      "noise could keep at best) and from their exact grain magnitudes filtering the\n"
      "decoder's own noise ('noise%': what this decoder keeps when the model is exact; a\n"
      "resyn% below it is the model's error); the Frechet distance between its embeddings\n"
      "of real and sampled events (realism and variety; beside it, the distance between\n"
      "two halves of the real events as a yardstick); median RMS, peak, decay and body pitch (the\n"
      "strongest peak between 30 and 400 Hz) of real and sampled events; and how far, in\n"
      "semitones, a resynthesis's pitch lies from its original's (median; 'resyn st').\n"
      "Columns ending in r/s give real/sampled. Below the table, the sounds whose\n"
      "resyntheses are heard as another class in most draws. --json adds the resyntheses'\n"
      "levels, what every set and every real event's draws are heard as, and 95 % (Wilson)\n"
      "intervals of every accuracy: with 3 to 16 test events per class, one event moves a\n"
      "class's figure by 6 to 33 points.");
  app.add_option("--model", a->model, "Model file (.ngs)")->required();
  app.add_option("--data", a->data, "Dataset file from `ngsynth prepare`")->required();
  app.add_option("--json", a->json, "Also write the results to this JSON file");
  app.add_option("--split", a->split, "test or train")->check(CLI::IsMember({"test", "train"}));
  app.add_option("--seed", a->seed, "Noise seed of the decoder");
  app.add_option("--device", a->device, "cpu, or cuda on a CUDA build");
  app.add_flag("--event-path", a->event_path,
               "Decode through the event level (embedding mean) as well");
  app.add_option("--classifier", a->classifier,
                 "Drum classifier file (.ngk, from `ngsynth train --stage classifier`)");
  app.add_option("--samples", a->fidelity.samples, "Events sampled per class")
      ->check(CLI::Range(0, 100000));
  app.add_option("-t,--temperature", a->fidelity.temperature, "Temperature of the samples")
      ->check(CLI::Range(0.0, 10.0));
  app.add_option("--resynth-draws", a->fidelity.resynth_draws,
                 "Noise draws decoded and judged per real event (default 4)")
      ->check(CLI::Range(1, 1000));
  app.add_flag("--raw-resynth-level", a->raw_level,
               "Judge and measure resyntheses at the decoder's own level, not their originals'");
  add_prior_option(app, a->prior);
  app.add_flag("--no-fidelity", a->no_fidelity, "Skip the class-fidelity measures");
  return [a] {
    const torch::Device device = parse_device(a->device);
    Model m = load_model(a->model, device);
    const Dataset data = load_dataset(a->data);
    // The judge is read first, so that a bad --classifier fails before any work.
    Classifier judge;
    if (!a->no_fidelity && !a->classifier.empty()) judge = load_classifier(a->classifier);
    if (!a->no_fidelity) use_prior(m, a->prior);
    const Split split = a->split == "test" ? Split::test : Split::train;
    EventVae* event = a->event_path ? &m.require_event() : nullptr;
    EvalResult r = evaluate(m.vae, m.info.classes, data, split, device, a->seed, 16, event);
    std::printf("%s", r.table().c_str());
    std::optional<EventStats> stats;
    if (m.has_event()) {
      const auto idx = data.indices(split);
      const auto map = map_classes(m.info.classes, data.classes, m.info.grain.conditional);
      stats = event_statistics(m.event, encode_events(m.vae, data, idx, device),
                               model_labels(data, idx, map));
      std::printf("event level: latent mse %.4f, KL %.2f nats per event, %lld of %lld embedding "
                  "dimensions active\n",
                  stats->latent_mse, stats->kl_per_event, (long long)stats->active_dims,
                  (long long)stats->embed_dim);
    }
    std::optional<FidelityReport> fidelity;
    if (!a->no_fidelity) {
      a->fidelity.seed = a->seed;
      a->fidelity.keep_level = !a->raw_level;
      judge = !judge.empty()          ? judge
              : !m.classifier.empty() ? m.classifier
                                      : dataset_classifier(a->data, data, ClassifierOptions{},
                                                           [](const std::string& line) {
                                                             std::fprintf(stderr, "%s\n", line.c_str());
                                                           });
      fidelity = evaluate_fidelity(m, judge, data, split, a->fidelity);
      char samples[128] = "no event level, so no samples";
      if (m.has_event())
        std::snprintf(samples, sizeof samples, "%d samples per class at temperature %.2f, %s prior",
                      a->fidelity.samples, a->fidelity.temperature, fidelity->prior.c_str());
      std::printf("\nclass fidelity (classifier test accuracy %.0f %%; %s; r/s = real/sampled;\n"
                  "ceil%% = real events rebuilt from their exact magnitudes with random phases;\n"
                  "noise%% = from their exact grain magnitudes through the decoder's noise):\n%s",
                  100 * judge.info["test"].value("accuracy", NAN), samples,
                  fidelity->table().c_str());
    }
    if (!a->json.empty()) {
      nlohmann::json j = r.to_json();
      if (stats) j["event_level"] = stats->to_json();
      if (fidelity) {
        j["fidelity"] = fidelity->to_json();
        j["classifier"] = judge.info;
      }
      j["event_path"] = a->event_path;
      j["model"] = a->model;
      j["data"] = a->data;
      j["split"] = a->split;
      write_file_atomically(a->json, j.dump(2) + "\n");
    }
    return 0;
  };
}

}  // namespace ngsynth::cli
