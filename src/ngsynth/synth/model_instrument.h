// A trained model as a live instrument (live/instrument.h): the synthesis runtime's
// instrument (runtime/instrument) plays everything, so renders and streams share no lock;
// the LibTorch model only analyses dropped sounds (its encoders), under a lock of its own.
#pragma once

#include <memory>
#include <mutex>

#include "ngsynth/model/model_file.h"
#include "ngsynth/runtime/instrument.h"

namespace ngsynth {

class ModelInstrument : public rt::Instrument {
 public:
  // Needs an event level (sample, morph) and a latent map (paths, XY points). Plays the
  // model's current weights converted to the runtime, or `runtime` when given (the model
  // file's own runtime weights). `model` must outlive the instrument (analyse_sound).
  explicit ModelInstrument(Model& model, std::shared_ptr<const rt::Model> runtime = nullptr);

  // Resynthesis (autoencode), the grains' posterior means projected on the map, and
  // variations: encode_event's embedding + spread * N(0, I), rendered with the class.
  live::SoundAnalysis analyse_sound(std::span<const float> audio, int class_index,
                                    int variations, float spread, uint64_t seed) override;

 private:
  Model& model_;
  std::mutex mutex_;
};

}  // namespace ngsynth
