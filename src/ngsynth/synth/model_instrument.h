// A trained model as a live instrument (live/instrument.h): the synthesis runtime's
// instrument (runtime/instrument) over the model's current weights. Renders and streams
// share no lock: the model is immutable and each stream slot owns its state.
#pragma once

#include "ngsynth/model/model_file.h"
#include "ngsynth/runtime/instrument.h"

namespace ngsynth {

class ModelInstrument : public rt::Instrument {
 public:
  // Needs an event level (sample, morph) and a latent map (paths, XY points); the weights
  // are copied, so `model` may go away.
  explicit ModelInstrument(Model& model);
};

}  // namespace ngsynth
