// ngsynth export: writes a run's best (or last) state as one model file.
#include <cstdio>
#include <filesystem>

#include "commands.h"
#include "ngsynth/train/export.h"

namespace ngsynth::cli {

Run add_export(CLI::App& app) {
  struct Args {
    std::string run, output, data;
    bool last = false, no_classifier = false;
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
      "cached one, trained in about a minute when missing), unless --no-classifier.");
  app.add_option("run", a->run, "Run folder from `ngsynth train`")->required();
  app.add_option("-o,--output", a->output, "Model file to write (.ngs)")->required();
  app.add_option("--data", a->data, "Dataset for the latent map (default: the run's)");
  app.add_flag("--last", a->last, "Export the latest checkpoint instead of the best");
  app.add_flag("--no-classifier", a->no_classifier, "Do not store the drum classifier");
  return [a] {
    std::optional<std::filesystem::path> data;
    if (!a->data.empty()) data = a->data;
    ExportedRun r = export_run(a->run, a->last, data);
    Model& m = r.model;
    if (!a->no_classifier)
      m.classifier = dataset_classifier(r.data, load_dataset(r.data), ClassifierOptions{},
                                        [](const std::string& line) {
                                          std::fprintf(stderr, "%s\n", line.c_str());
                                        });
    save_model(a->output, m);
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
