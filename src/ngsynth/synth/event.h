// Event-level generative processes (Bitton et al. 2020, sec. 3.2 and "generative
// processes"): whole events sampled per class from the event embedding's prior, sounds
// encoded to their embedding, and morphs along a straight line between two embeddings.
// An event is rendered at the model's event length; the event VAE decodes the embedding
// and class to a series of grain latents, which the grain VAE renders to sound.
#pragma once

#include <torch/torch.h>

#include <optional>
#include <vector>

#include "ngsynth/model/model_file.h"

namespace ngsynth {

struct EventPoint {
  torch::Tensor embedding;  // (1, embed_dim)
  int label = 0;            // class
};

// An embedding of class `label` from the model's event prior (spec/event_prior.h; its
// `kind` decides which; N(0, temperature^2 I) for a model without class priors): (1, embed_dim).
torch::Tensor sample_embedding(const Model& model, int label, double temperature, uint64_t seed);
// The embedding mean of a sound (at the model's rate, cropped or zero-padded to one event)
// with its class: the given one, or the closest (see closest_class).
EventPoint encode_event(Model& model, const std::vector<float>& audio, std::optional<int> label,
                        uint64_t seed);
// Renders an embedding with class conditioning `classes` ((1) int64 or (1, n_classes)
// weights) to one event of the model's event length, noise from `seed`.
std::vector<float> render_event(Model& model, const torch::Tensor& embedding,
                                const torch::Tensor& classes, uint64_t seed);

// `count` new events of class `label`; event i draws its embedding and noise from
// mix_seed(seed, i), so any one of them can be rendered again on its own. Each is brought
// to its class's decay and level by the prior's match (EventPrior::match_class).
std::vector<std::vector<float>> sample_events(Model& model, int label, int count,
                                              double temperature, uint64_t seed);
// `steps` events along the line from a to b: step k at t = k / (steps - 1), embedding and
// class weights both (1 - t) a + t b, every step with the same noise seed so that only
// the morph changes. Step 0 is a rendered as it is, the last step is b.
std::vector<std::vector<float>> morph_events(Model& model, const EventPoint& a,
                                             const EventPoint& b, int steps, uint64_t seed);

}  // namespace ngsynth
