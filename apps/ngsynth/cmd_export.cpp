// ngsynth export: writes a run's best (or last) state as one model file, or re-writes a
// model file in this version's format (e.g. with float16 weights).
#include <cstdio>
#include <filesystem>

#include "commands.h"
#include "ngsynth/train/export.h"

namespace ngsynth::cli {

Run add_export(CLI::App& app) {
  struct Args {
    std::string run, output, data;
    bool last = false, no_classifier = false, half = false;
  };
  auto a = std::make_shared<Args>();
  app.footer(
      "Write a trained run as one self-describing model file (.ngs): options, classes,\n"
      "sample rate, grain and hop, training summary, the weights of every trained level, and\n"
      "the latent map (a PCA of the training grains' latents, drawn by `ngsynth map`), which\n"
      "is computed from the run's dataset (or --data). By default the state with the best\n"
      "test loss (RUN/best.ngc) is exported; --last takes the latest checkpoint.\n"
      "With an event level, the file also holds the class priors of the event embedding\n"
      "(where each class's training events lie, for `sample`). It also holds the drum\n"
      "classifier of the dataset that `ngsynth eval` judges the model with (the dataset's\n"
      "cached one, trained in about a minute when missing), unless --no-classifier.\n"
      "Every weight is stored once, as float32, or as float16 with --half (half the file;\n"
      "on a trained fast model, 32 sampled hits moved by an error 62 to 67 dB below them).\n"
      "Given a model file instead of a run, export re-writes it in this version's format\n"
      "(older files, or float32 to float16 with --half), keeping all it holds.");
  app.add_option("run", a->run, "Run folder from `ngsynth train`, or a model file to re-write")
      ->required();
  app.add_option("-o,--output", a->output, "Model file to write (.ngs)")->required();
  app.add_option("--data", a->data, "Dataset for the latent map (default: the run's)");
  app.add_flag("--last", a->last, "Export the latest checkpoint instead of the best");
  app.add_flag("--no-classifier", a->no_classifier, "Do not store the drum classifier");
  app.add_flag("--half", a->half,
               "Store the weights as float16: half the file; every weight is rounded, and "
               "what loads from the file is what plays");
  return [a] {
    const rt::Storage storage = a->half ? rt::Storage::float16 : rt::Storage::float32;
    if (std::filesystem::is_regular_file(a->run)) {
      if (std::filesystem::exists(a->output) &&
          std::filesystem::equivalent(a->run, a->output))
        fail_file(a->output, "is the model being re-written; choose another output");
      if (a->last || !a->data.empty())
        throw Error("--last and --data apply to a run folder, not to a model file");
      Model m = load_model(a->run);
      if (a->no_classifier) m.classifier = Classifier{};
      save_model(a->output, m, storage);
      std::printf("%s: %s re-written (format %u, %s weights)\n", a->output.c_str(), a->run.c_str(),
                  kModelFormatVersion, rt::storage_name(storage).c_str());
      return 0;
    }
    std::optional<std::filesystem::path> data;
    if (!a->data.empty()) data = a->data;
    ExportedRun r = export_run(a->run, a->last, data);
    Model& m = r.model;
    if (!a->no_classifier)
      m.classifier = dataset_classifier(r.data, load_dataset(r.data), ClassifierOptions{},
                                        [](const std::string& line) {
                                          std::fprintf(stderr, "%s\n", line.c_str());
                                        });
    save_model(a->output, m, storage);
    const double params = count_parameters(*m.vae) + (m.has_event() ? count_parameters(*m.event) : 0);
    std::printf("%s: step %lld of %s, %zu classes, %s, %.2f M parameters, latent map of %zu "
                "grains\n",
                a->output.c_str(), (long long)r.step, a->run.c_str(), m.info.classes.size(),
                m.has_event() ? "grain and event levels" : "grain level", params / 1e6,
                m.info.map.n_points());
    if (!m.classifier.empty())
      std::printf("drum classifier: %.0f %% of the %d real test events recognised\n",
                  100 * m.classifier.info["test"].value("accuracy", 0.0),
                  m.classifier.info["test"].value("events", 0));
    return 0;
  };
}

}  // namespace ngsynth::cli
