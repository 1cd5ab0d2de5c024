// ngsynth export: writes a run's best (or last) state as one model file.
#include <cstdio>
#include <filesystem>

#include "commands.h"
#include "ngsynth/model/model_file.h"
#include "ngsynth/train/checkpoint.h"
#include "ngsynth/util/error.h"

namespace ngsynth::cli {

Run add_export(CLI::App& app) {
  struct Args {
    std::string run, output;
    bool last = false;
  };
  auto a = std::make_shared<Args>();
  app.footer(
      "Write a trained run as one self-describing model file (.ngs): options, classes,\n"
      "sample rate, grain and hop, training summary and weights. By default the state with\n"
      "the best test loss (RUN/best.ngc) is exported; --last takes the latest checkpoint.");
  app.add_option("run", a->run, "Run folder from `ngsynth train`")->required();
  app.add_option("-o,--output", a->output, "Model file to write (.ngs)")->required();
  app.add_flag("--last", a->last, "Export the latest checkpoint instead of the best");
  return [a] {
    namespace fs = std::filesystem;
    fs::path source = fs::path(a->run) / (a->last ? "checkpoint.ngc" : "best.ngc");
    if (!a->last && !fs::exists(source)) source = fs::path(a->run) / "checkpoint.ngc";
    if (!fs::exists(source)) fail_file(a->run, "holds no checkpoint (is it a run folder?)");
    Checkpoint cp = load_checkpoint(source);
    ModelInfo info{cp.state.grain, cp.state.classes,
                   {{"steps", cp.state.step},
                    {"elapsed_s", cp.state.elapsed_s},
                    {"best_test_mss", cp.state.best_test_loss},
                    {"best_step", cp.state.best_step},
                    {"dataset", cp.state.dataset},
                    {"train", cp.state.train},
                    {"exported_from", source.filename().string()}}};
    GrainVae vae(cp.state.grain);
    load_module_bytes(*vae, cp.weights, torch::kCPU, source);
    save_model(a->output, info, vae);
    std::printf("%s: step %lld of %s, %zu classes, %.2f M parameters\n", a->output.c_str(),
                (long long)cp.state.step, a->run.c_str(), info.classes.size(),
                count_parameters(*vae) / 1e6);
    return 0;
  };
}

}  // namespace ngsynth::cli
