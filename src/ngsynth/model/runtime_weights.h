// The bridge from the LibTorch models to the synthesis runtime (runtime/): the tensors of
// the synthesis path copied out of the modules by name ("grain." + the grain VAE's
// decoder, post-filter and spectral encoder; "event." + the event VAE's decoder and latent
// statistics), which `export` writes into the model file, and a runtime model made of them.
#pragma once

#include <torch/torch.h>

#include <memory>

#include "ngsynth/runtime/model.h"
#include "ngsynth/runtime/tensor_set.h"

namespace ngsynth {

class GrainVaeImpl;
class EventVaeImpl;
struct Model;

rt::TensorSet grain_runtime_weights(GrainVaeImpl& vae);
rt::TensorSet event_runtime_weights(EventVaeImpl& event);
// Both levels' tensors (the event level's when there is one).
rt::TensorSet runtime_weights(Model& model);
// Every floating-point parameter and buffer of both levels ("grain.", "event." + the
// module's names): what a model file of format 3 stores, and the runtime's tensors among
// them. Integer buffers (BatchNorm's batch counts, unused in eval) are left out.
rt::TensorSet all_weights(Model& model);
// Copies the tensors prefix + name of `set` into the module's floating-point parameters and
// buffers; an Error naming the first missing or misshapen tensor. Returns how many it took.
std::size_t load_tensors(torch::nn::Module& module, const std::string& prefix,
                         const rt::TensorSet& set);
// A runtime model of the model's current weights.
std::shared_ptr<const rt::Model> runtime_model(Model& model,
                                               rt::Precision precision = rt::Precision::single);

// Identifies a module's current weights (storage and version of every parameter and
// buffer), so that a cache made from them knows when they changed.
std::vector<int64_t> weights_signature(torch::nn::Module& module);

}  // namespace ngsynth
