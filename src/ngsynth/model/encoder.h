// Grain encoders of the grain VAE: each grain is encoded on its own (no mixing across
// grains) to a diagonal Gaussian posterior (mu, logvar), logvar clamped to [-5, 5].
//
// ConvEncoder follows the paper's reference (Bitton et al. 2020): stages of [Conv1d k9
// stride 4, BatchNorm, LeakyReLU 0.2, three residual blocks with dilations 1, 3, 9], then
// two linear layers and the mu/logvar heads.
//
// SpectralEncoder is ngsynth's lighter option: an MLP over the log-magnitude spectrum of
// each windowed grain. The decoder shapes noise with a zero-phase filter, so a grain's
// phase cannot be reproduced anyway; the magnitude spectrum holds everything the decoder
// can use, at a fraction of the convolutions' cost on a CPU.
#pragma once

#include <torch/torch.h>

#include "ngsynth/spec/options.h"

namespace ngsynth {

struct Posterior {
  torch::Tensor mu;
  torch::Tensor logvar;
};

class ResidualBlockImpl : public torch::nn::Module {
 public:
  ResidualBlockImpl(int64_t channels, int64_t dilation);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv1d conv_{nullptr}, mix_{nullptr}, shortcut_{nullptr};
  torch::nn::BatchNorm1d bn1_{nullptr}, bn2_{nullptr}, bn_shortcut_{nullptr};
};
TORCH_MODULE(ResidualBlock);

class ConvEncoderImpl : public torch::nn::Module {
 public:
  explicit ConvEncoderImpl(const GrainOptions& o);
  Posterior forward(const torch::Tensor& grains);  // (N, grain) -> (N, z) each

 private:
  torch::nn::Sequential features_{nullptr};
  torch::nn::Sequential dense_{nullptr};
  torch::nn::Linear mu_{nullptr}, logvar_{nullptr};
};
TORCH_MODULE(ConvEncoder);

class SpectralEncoderImpl : public torch::nn::Module {
 public:
  explicit SpectralEncoderImpl(const GrainOptions& o);
  Posterior forward(const torch::Tensor& grains);  // (N, grain) -> (N, z) each

 private:
  torch::nn::Sequential dense_{nullptr};
  torch::nn::Linear mu_{nullptr}, logvar_{nullptr};
};
TORCH_MODULE(SpectralEncoder);

}  // namespace ngsynth
