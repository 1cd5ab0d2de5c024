// The grain decoder of neural granular synthesis (Bitton et al. 2020, after DDSP's filtered
// noise, Engel et al. 2020): an MLP maps a grain latent z (with the one-hot class when
// conditional) to grain/2+1 filter magnitudes H = 2 sigmoid(x)^ln(10), which shape
// uniform noise U[-1, 1] in the frequency domain. The reference windows the filter's
// zero-phase impulse response with a centred Hann; in the frequency domain that is a
// [1/4, 1/2, 1/4] smoothing of H (the accompanying circular shift only moves where the
// response sits in a noise grain, which changes nothing statistically), so we smooth H.
// Noise comes from a caller-owned generator: same latents + same seed = same samples.
// With GrainOptions::tonal the MLP also gives grain/2+1 tonal magnitudes (same activation,
// not smoothed) for the tonal bank (runtime/tonal_bank.h): phase-continuous sinusoids on a
// grid tonal_oversample times finer than the grain's bins, added to each grain at the
// phases of its grain index. With GrainOptions::class_film the class weights also scale
// and shift every hidden layer after its LayerNorm: h (1 + gamma) + beta, [gamma, beta] of
// layer i = the slice [2 i H, 2 (i + 1) H) of film(condition), a bias-free Linear.
#pragma once

#include <torch/torch.h>

#include "ngsynth/runtime/tonal_bank.h"
#include "ngsynth/spec/options.h"

namespace ngsynth {

// Rendering (no autograd) treats filter magnitudes below this (-100 dB, where the spectral
// loss's log floor stops telling levels apart) as exact zeros.
inline constexpr double kSilentMagnitude = 1e-5;

class NoiseDecoderImpl : public torch::nn::Module {
 public:
  explicit NoiseDecoderImpl(const GrainOptions& o);

  // z: (N, z_dim), condition: (N, n_classes) one-hot or undefined -> magnitudes
  // (N, decoder_outputs()): the noise filter's, then the tonal bank's when tonal.
  torch::Tensor magnitudes(const torch::Tensor& z, const torch::Tensor& condition);
  // Filters noise (N, grain), U[-1, 1) values, with the (smoothed) noise magnitudes and adds
  // the tonal bank of grains number `index` (N, int64; ignored unless tonal) -> raw grains
  // (N, grain), unwindowed.
  torch::Tensor filter(const torch::Tensor& magnitudes, const torch::Tensor& noise,
                       const torch::Tensor& index) const;

 private:
  int64_t grain_, bins_;
  int64_t n_classes_;
  bool tonal_;
  int64_t hidden_ = 0, layers_ = 0;
  torch::nn::Sequential mlp_{nullptr};
  torch::nn::Linear film_{nullptr};  // class weights -> every layer's [gamma, beta]
  torch::Tensor rotations_;  // the tonal bank's (period, bins) complex unit rotations
  float tonal_gain_ = 0;
  int64_t tonal_size_ = 0;  // the bank's inverse FFT size
};
TORCH_MODULE(NoiseDecoder);

// [1/4, 1/2, 1/4] smoothing along the last axis, reflecting at both ends (H is even).
torch::Tensor smooth_magnitudes(const torch::Tensor& h);

}  // namespace ngsynth
