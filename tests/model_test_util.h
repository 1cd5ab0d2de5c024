// Tiny models and datasets for the LibTorch tests: small enough to train in seconds.
#pragma once

#include <torch/torch.h>

#include <cmath>

#include "ngsynth/data/dataset.h"
#include "ngsynth/spec/options.h"

namespace ngsynth::test {

// A grain VAE of a few thousand parameters: grain 256, hop 64, 9 grains (768 samples).
inline GrainOptions tiny_grain_options(int n_classes = 2) {
  GrainOptions o;
  o.preset = "tiny";
  o.sample_rate = 8000;
  o.grain = 256;
  o.hop = 64;
  o.n_grains = 9;
  o.encoder_hidden = 64;
  o.z_dim = 8;
  o.decoder_hidden = 64;
  o.decoder_layers = 2;
  o.n_classes = n_classes;
  o.post_filter_taps = 9;
  o.stft_scales = {256, 128, 64};
  return o;
}

// A drum classifier that trains in a second or two.
inline ClassifierOptions tiny_classifier_options(int steps) {
  ClassifierOptions o;
  o.n_fft = 256;
  o.n_mels = 16;
  o.channels = 4;
  o.embed_dim = 4;
  o.steps = steps;
  return o;
}

inline TrainOptions tiny_train_options() {
  TrainOptions t;
  t.batch_size = 4;
  t.max_steps = 40;
  t.eval_every = 10;
  t.threads = 1;
  t.seed = 7;
  return t;
}

// Decaying noise bursts whose brightness depends on the class: events of event_length
// samples, `per_class` of each class, every fourth one in the test split.
inline Dataset tiny_dataset(const GrainOptions& o, int per_class = 6) {
  Dataset d;
  d.sample_rate = o.sample_rate;
  d.event_length = o.event_length();
  for (int c = 0; c < o.n_classes; ++c) d.classes.push_back("class" + std::to_string(c));
  torch::manual_seed(3);
  for (int c = 0; c < o.n_classes; ++c) {
    for (int i = 0; i < per_class; ++i) {
      torch::Tensor noise = torch::rand({d.event_length}) * 2 - 1;
      if (c % 2 == 0) noise = (noise + noise.roll(1)) / 2;  // darker
      torch::Tensor t = torch::arange(d.event_length, torch::kFloat32) / o.sample_rate;
      torch::Tensor x = 0.8 * noise * torch::exp(-t * (20.0 + 10 * i));
      d.entries.push_back({"c" + std::to_string(c) + "/" + std::to_string(i) + ".wav", c,
                           i % 4 == 3 ? Split::test : Split::train});
      d.samples.insert(d.samples.end(), x.data_ptr<float>(), x.data_ptr<float>() + d.event_length);
    }
  }
  return d;
}

}  // namespace ngsynth::test
