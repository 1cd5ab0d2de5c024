// The event-level ("temporal") VAE of neural granular synthesis (Bitton et al. 2020, sec.
// 3.2): a whole event (a drum hit, a note) is the series of its grain latents. The encoder
// maps the series through a per-step MLP and a recurrent net to one embedding posterior;
// the decoder repeats [embedding, class] at every step as the input of a second recurrent
// net whose outputs, with the class again, are mapped back to grain latents. Sampling an
// embedding from the prior and decoding it with a class gives a new event's latent series,
// which the grain VAE renders to sound.
//
// Latents are standardised per dimension with statistics of the training series (stored
// as buffers), so the reconstruction loss weighs every latent dimension alike.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <vector>

#include "ngsynth/model/encoder.h"
#include "ngsynth/spec/options.h"
#include "ngsynth/runtime/event_decoder.h"

namespace ngsynth {

struct EventVaeOutput {
  torch::Tensor recon;   // (B, n, z_dim) decoded series, in latent units
  torch::Tensor mu;      // (B, embed_dim)
  torch::Tensor logvar;  // (B, embed_dim)
};

class EventVaeImpl : public torch::nn::Module {
 public:
  EventVaeImpl(EventOptions options, int z_dim, int n_steps, int n_classes);

  const EventOptions& options() const { return options_; }
  int z_dim() const { return z_dim_; }
  int n_steps() const { return n_steps_; }  // steps of a training event (= grains)
  int n_classes() const { return n_classes_; }

  // Per-dimension mean and standard deviation of the latents (z_dim each).
  void set_latent_stats(const torch::Tensor& mean, const torch::Tensor& stddev);

  // series: (B, n, z_dim) grain latents -> embedding posterior (B, embed_dim).
  Posterior encode(const torch::Tensor& series);
  // embedding (B, embed_dim); classes: (B) int64 indices or (B, n_classes) float weights
  // (a mix of classes, for morphing); -> (B, n_steps, z_dim) grain latents.
  torch::Tensor decode(const torch::Tensor& embedding, const torch::Tensor& classes,
                       int64_t n_steps);
  // Encodes, samples the embedding with the reparameterisation trick, decodes.
  EventVaeOutput forward(const torch::Tensor& series, const torch::Tensor& classes,
                         at::Generator& generator);

  // The synthesis runtime's event decoder with this model's current weights (rebuilt when
  // they change; not thread-safe).
  const rt::EventDecoder& runtime_decoder();

  // Latents standardised with the training statistics, and back.
  torch::Tensor standardise(const torch::Tensor& z) const;
  torch::Tensor destandardise(const torch::Tensor& z) const;

 private:
  torch::Tensor class_weights(const torch::Tensor& classes, int64_t batch) const;
  torch::Tensor run_rnn(torch::nn::AnyModule& rnn, const torch::Tensor& x,
                        const torch::Tensor& h0);
  // The decoder's recurrent net without autograd on the CPU, for input x (B, hidden)
  // repeated at every step: the input projection once, then raw-loop steps
  // (recurrent_kernels.h) over a cached transposed copy of the recurrent weights.
  torch::Tensor run_decoder_inference(const torch::Tensor& x, const torch::Tensor& h0,
                                      int64_t n_steps);

  EventOptions options_;
  int z_dim_, n_steps_, n_classes_;
  torch::nn::Sequential step_mlp_{nullptr}, enc_head_{nullptr};
  torch::nn::Linear mu_{nullptr}, logvar_{nullptr};
  torch::nn::Sequential dec_in_{nullptr}, dec_out_{nullptr};
  torch::nn::Linear dec_h0_{nullptr};
  torch::nn::AnyModule enc_rnn_, dec_rnn_;
  torch::Tensor z_mean_, z_std_;
  std::vector<float> whh_t_;          // decoder W_hh transposed, for inference
  int64_t whh_version_ = -1;          // W_hh's version counter when whh_t_ was made
  const void* whh_data_ = nullptr;    // and its storage
  std::shared_ptr<const rt::EventDecoder> runtime_;
  std::vector<int64_t> runtime_signature_;
};
TORCH_MODULE(EventVae);

// KL of embedding posteriors from N(0, I), per dimension and averaged over the batch: (E).
torch::Tensor kl_per_dimension(const Posterior& p);
// Free-bits KL: sum over dimensions of max(batch-mean KL, free_bits).
torch::Tensor free_bits_kl(const Posterior& p, double free_bits);
// Active dimensions (Burda et al. 2016): embedding dimensions whose posterior mean varies
// across events with variance above `threshold`. mu: (N, E).
int64_t active_dimensions(const torch::Tensor& mu, double threshold = 0.01);

}  // namespace ngsynth
