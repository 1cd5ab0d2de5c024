// The event VAE's decoder without LibTorch (the runtime's part of model/event_vae): an
// embedding and class weights -> MLP (LayerNorm) repeated at every step as the input of a
// GRU or LSTM whose initial state is tanh(Linear([embedding, class])); each output, with
// the class again, -> MLP -> a standardised grain latent, destandardised with the training
// statistics. The recurrent steps are the raw kernels of runtime/recurrent_kernels over the
// transposed recurrent weights, kept in float32 or, to halve the bytes read per step, in
// float16 (Precision::half; its effect on the sound is measured by `ngsynth bench`).
// Immutable once built: decode() allocates its own state, so threads share one decoder.
#pragma once

#include <cstdint>
#include <vector>

#include "ngsynth/spec/options.h"
#include "ngsynth/runtime/layers.h"
#include "ngsynth/runtime/tensor_set.h"

namespace ngsynth::rt {

enum class Precision { single, half };

class EventDecoder {
 public:
  // Tensors "event.dec_in.*", "event.dec_h0.*", "event.dec_rnn.*", "event.dec_out.*",
  // "event.z_mean", "event.z_std" of `weights`.
  EventDecoder(const EventOptions& options, int z_dim, int n_classes, const TensorSet& weights,
               Precision precision = Precision::single);

  const EventOptions& options() const { return o_; }
  int z_dim() const { return z_dim_; }
  int n_classes() const { return n_classes_; }
  int embed_dim() const { return o_.embed_dim; }
  Precision precision() const { return precision_; }
  // embedding (embed_dim) and class weights (n_classes) -> series (n_steps x z_dim).
  std::vector<float> decode(const float* embedding, const float* classes, int64_t n_steps) const;

 private:
  EventOptions o_;
  int z_dim_, n_classes_;
  bool lstm_;
  Precision precision_;
  Mlp dec_in_, dec_out_;
  Linear dec_h0_, input_proj_;       // input_proj_: W_ih with b_ih (+ b_hh for an LSTM)
  std::vector<float> whh_t_;         // W_hh transposed (hidden x gates), float32
  std::vector<uint16_t> whh_t_half_; // the same in IEEE half precision
  std::vector<float> b_hh_, z_mean_, z_std_;
};

}  // namespace ngsynth::rt
