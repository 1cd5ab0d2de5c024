// ngsynth export: writes a run's best (or last) state as one model file.
#include <cstdio>
#include <filesystem>

#include "commands.h"
#include "ngsynth/train/export.h"

namespace ngsynth::cli {

Run add_export(CLI::App& app) {
  struct Args {
    std::string run, output, data;
    bool last = false;
  };
  auto a = std::make_shared<Args>();
  app.footer(
      "Write a trained run as one self-describing model file (.ngs): options, classes,\n"
      "sample rate, grain and hop, training summary, the weights of every trained level, and\n"
      "the latent map (a PCA of the training grains' latents, drawn by `ngsynth map`), which\n"
      "is computed from the run's dataset (or --data). By default the state with the best\n"
      "test loss (RUN/best.ngc) is exported; --last takes the latest checkpoint.");
  app.add_option("run", a->run, "Run folder from `ngsynth train`")->required();
  app.add_option("-o,--output", a->output, "Model file to write (.ngs)")->required();
  app.add_option("--data", a->data, "Dataset for the latent map (default: the run's)");
  app.add_flag("--last", a->last, "Export the latest checkpoint instead of the best");
  return [a] {
    std::optional<std::filesystem::path> data;
    if (!a->data.empty()) data = a->data;
    ExportedRun r = export_run(a->run, a->last, data);
    Model& m = r.model;
    save_model(a->output, m);
    const double params = count_parameters(*m.vae) + (m.has_event() ? count_parameters(*m.event) : 0);
    std::printf("%s: step %lld of %s, %zu classes, %s, %.2f M parameters, latent map of %zu "
                "grains\n",
                a->output.c_str(), (long long)r.step, a->run.c_str(), m.info.classes.size(),
                m.has_event() ? "grain and event levels" : "grain level", params / 1e6,
                m.info.map.n_points());
    return 0;
  };
}

}  // namespace ngsynth::cli
