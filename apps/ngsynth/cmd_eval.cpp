// ngsynth eval: reconstruction metrics of a model on a dataset split.
#include <cstdio>

#include "commands.h"
#include "ngsynth/data/dataset.h"
#include "ngsynth/eval/evaluate.h"
#include "ngsynth/model/device.h"
#include "ngsynth/model/model_file.h"
#include "ngsynth/util/atomic_file.h"

namespace ngsynth::cli {

Run add_eval(CLI::App& app) {
  struct Args {
    std::string model, data, json, split = "test", device = "cpu";
    uint64_t seed = 1234;
  };
  auto a = std::make_shared<Args>();
  app.footer(
      "Auto-encode every event of a dataset split and report, per class and overall, the\n"
      "multi-scale spectral distance (mss, the training distance) and the log-spectral\n"
      "distance in dB (lsd); both are defined in the README. Lower is better.");
  app.add_option("--model", a->model, "Model file (.ngs)")->required();
  app.add_option("--data", a->data, "Dataset file from `ngsynth prepare`")->required();
  app.add_option("--json", a->json, "Also write the results to this JSON file");
  app.add_option("--split", a->split, "test or train")->check(CLI::IsMember({"test", "train"}));
  app.add_option("--seed", a->seed, "Noise seed of the decoder");
  app.add_option("--device", a->device, "cpu, or cuda on a CUDA build");
  return [a] {
    const torch::Device device = parse_device(a->device);
    LoadedModel m = load_model(a->model, device);
    const Dataset data = load_dataset(a->data);
    const Split split = a->split == "test" ? Split::test : Split::train;
    EvalResult r = evaluate(m.vae, m.info.classes, data, split, device, a->seed);
    std::printf("%s", r.table().c_str());
    if (!a->json.empty()) {
      nlohmann::json j = r.to_json();
      j["model"] = a->model;
      j["data"] = a->data;
      j["split"] = a->split;
      write_file_atomically(a->json, j.dump(2) + "\n");
    }
    return 0;
  };
}

}  // namespace ngsynth::cli
