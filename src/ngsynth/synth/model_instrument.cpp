#include "ngsynth/synth/model_instrument.h"

#include "ngsynth/model/runtime_weights.h"

namespace ngsynth {

namespace {
std::shared_ptr<const rt::Model> checked(Model& model) {
  model.require_event();
  model.require_map();
  return runtime_model(model);
}
}  // namespace

ModelInstrument::ModelInstrument(Model& model) : rt::Instrument(checked(model)) {}

}  // namespace ngsynth
