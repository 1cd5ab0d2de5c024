// The grain-level VAE of neural granular synthesis (Bitton, Esling, Harada, ICMC 2020):
// events are sliced into windowed grains, each grain is encoded to a latent posterior,
// latents are decoded to noise-shaping filters, the filtered noise grains are overlap-
// added into a waveform, and a learned FIR post-filter (initialised to the identity)
// shapes the whole waveform. Every point of the latent space therefore decodes to a
// playable grain, and any latent path of any length decodes to sound.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <vector>

#include "ngsynth/model/encoder.h"
#include "ngsynth/model/grains.h"
#include "ngsynth/model/noise_decoder.h"
#include "ngsynth/spec/options.h"
#include "ngsynth/runtime/grain_decoder.h"

namespace ngsynth {

struct GrainVaeOutput {
  torch::Tensor audio;   // (B, T) reconstruction
  torch::Tensor z;       // (B, n, z_dim) sampled latents
  torch::Tensor mu;      // (B, n, z_dim)
  torch::Tensor logvar;  // (B, n, z_dim)
  torch::Tensor filter;  // (B, n, grain/2+1) the smoothed noise magnitudes that shaped each grain
};

class GrainVaeImpl : public torch::nn::Module {
 public:
  explicit GrainVaeImpl(GrainOptions options);

  const GrainOptions& options() const { return options_; }
  const GrainFraming& framing() const { return framing_; }

  // audio: (B, T), T a whole number of hops past one grain -> posteriors (B, n, z_dim).
  Posterior encode(const torch::Tensor& audio);
  // z: (B, n, z_dim); labels: (B) int64 class indices, or (B, n_classes) float class
  // weights (a mix of classes); ignored when the model is not conditional.
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor& labels,
                       at::Generator& generator);
  // The same with given noise: (B * n, grain) U[-1, 1) values, grain j of event b in row
  // b * n + j (the runtime's noise, for parity tests).
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor& labels,
                       const torch::Tensor& noise);
  // The grains alone, before overlap-add: z (N, z_dim), classes (N) or (N, n_classes) ->
  // raw grains (N, grain), unwindowed, row i being grain number first_index + i of its
  // series (the tonal bank's phases). For streaming synthesis.
  torch::Tensor decode_grains(const torch::Tensor& z, const torch::Tensor& classes,
                              int64_t first_index, at::Generator& generator);
  torch::Tensor decode_grains(const torch::Tensor& z, const torch::Tensor& classes,
                              int64_t first_index, const torch::Tensor& noise);
  // The synthesis runtime's grain decoder with this model's current weights (rebuilt when
  // they change; not thread-safe). What every synthesis front-end renders with.
  const rt::GrainDecoder& runtime_decoder();
  // The FIR post-filter's taps (odd count), or an undefined tensor without one.
  torch::Tensor post_filter_taps() const;
  // Encodes, samples z with the reparameterisation trick, decodes.
  GrainVaeOutput forward(const torch::Tensor& audio, const torch::Tensor& labels,
                         at::Generator& generator);

 private:
  struct Decoded {
    torch::Tensor audio, filter;  // filter: (B, n, grain/2+1) noise magnitudes, unsmoothed
  };
  Decoded decode_parts(const torch::Tensor& z, const torch::Tensor& labels,
                       const torch::Tensor& noise);
  torch::Tensor one_hot(const torch::Tensor& labels, int64_t n_grains) const;

  GrainOptions options_;
  GrainFraming framing_;
  ConvEncoder conv_encoder_{nullptr};
  SpectralEncoder spectral_encoder_{nullptr};
  NoiseDecoder decoder_{nullptr};
  torch::nn::Conv1d post_filter_{nullptr};
  std::shared_ptr<const rt::GrainDecoder> runtime_;
  std::vector<int64_t> runtime_signature_;
};
TORCH_MODULE(GrainVae);

// Mean KL divergence of the posteriors from N(0, I), per grain (summed over z dims).
torch::Tensor kl_per_grain(const Posterior& p);

// A CPU generator for noise and sampling; everything random in ngsynth draws from one.
at::Generator make_generator(uint64_t seed);

int64_t count_parameters(torch::nn::Module& module);

}  // namespace ngsynth
