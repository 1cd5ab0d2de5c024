// A two-level model (grain and event VAE, latent map) trained in a few seconds on the tiny
// dataset, through the real trainer and export, for the tests of what plays a model.
#pragma once

#include <filesystem>

#include "model_test_util.h"
#include "ngsynth/model/device.h"
#include "ngsynth/train/export.h"
#include "ngsynth/train/trainer.h"

namespace ngsynth::test {

// Trains in `dir` (runs "grain" and "event"); `data` receives the dataset trained on.
inline Model train_tiny_model(const std::filesystem::path& dir, Dataset& data) {
  set_threads(1);
  const GrainOptions grain = tiny_grain_options();
  TrainOptions train = tiny_train_options();
  train.max_steps = 20;
  data = tiny_dataset(grain);
  save_dataset(data, dir / "tiny.ngd");
  Trainer(data, dir / "tiny.ngd", dir / "grain", grain, train, torch::kCPU).run(nullptr, true);
  Model grain_model = export_run(dir / "grain", false, std::nullopt).model;
  EventOptions event;
  event.hidden = 32;
  event.embed_dim = 4;
  Trainer(data, dir / "tiny.ngd", dir / "event", Stage::temporal, grain_model, dir / "g.ngs", event,
          train, torch::kCPU)
      .run(nullptr, true);
  return export_run(dir / "event", false, std::nullopt).model;
}

}  // namespace ngsynth::test
