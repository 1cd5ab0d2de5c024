#include "ngsynth/model/noise_decoder.h"

#include <cmath>

namespace ngsynth {
namespace nn = torch::nn;

NoiseDecoderImpl::NoiseDecoderImpl(const GrainOptions& o)
    : grain_(o.grain), n_classes_(o.conditional ? o.n_classes : 0) {
  mlp_ = nn::Sequential();
  int64_t in = o.z_dim + n_classes_;
  for (int i = 0; i < o.decoder_layers; ++i) {
    mlp_->push_back(nn::Linear(in, o.decoder_hidden));
    mlp_->push_back(nn::LayerNorm(nn::LayerNormOptions({o.decoder_hidden})));
    mlp_->push_back(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)));
    in = o.decoder_hidden;
  }
  mlp_->push_back(nn::Linear(in, o.n_bins()));
  mlp_ = register_module("mlp", mlp_);
}

torch::Tensor NoiseDecoderImpl::magnitudes(const torch::Tensor& z, const torch::Tensor& cond) {
  torch::Tensor input = n_classes_ > 0 ? torch::cat({z, cond}, 1) : z;
  // 2 sigmoid(x)^ln(10), as exp(ln(10) log sigmoid(x)): vectorised, 4x faster than pow.
  torch::Tensor h = 2.0 * torch::exp(std::log(10.0) * torch::log_sigmoid(mlp_->forward(input)));
  // When rendering, bins below -100 dB are silence: a grain the model decodes as silent
  // comes out as digital zeros (the reference's + 1e-7 floor left a -93 dB hiss everywhere).
  if (!torch::GradMode::is_enabled()) h = h * (h >= kSilentMagnitude);
  return h;
}

torch::Tensor NoiseDecoderImpl::filter_noise(const torch::Tensor& h,
                                             at::Generator& generator) const {
  // Noise is always drawn on the CPU so a seed gives the same grains on every device.
  return filter(h, torch::rand({h.size(0), grain_}, generator) * 2.0 - 1.0);
}

torch::Tensor NoiseDecoderImpl::filter(const torch::Tensor& h, const torch::Tensor& noise) const {
  torch::Tensor spectrum = torch::fft::rfft(noise.to(h.device()));
  return torch::fft::irfft(spectrum * smooth_magnitudes(h), grain_);
}

torch::Tensor smooth_magnitudes(const torch::Tensor& h) {
  const int64_t bins = h.size(-1);
  torch::Tensor left = torch::cat({h.narrow(-1, 1, 1), h.narrow(-1, 0, bins - 1)}, -1);
  torch::Tensor right = torch::cat({h.narrow(-1, 1, bins - 1), h.narrow(-1, bins - 2, 1)}, -1);
  return 0.25 * left + 0.5 * h + 0.25 * right;
}

}  // namespace ngsynth
