#include "ngsynth/model/encoder.h"

namespace ngsynth {
namespace nn = torch::nn;

namespace {

nn::LeakyReLU leaky() { return nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)); }

Posterior heads(const torch::Tensor& h, nn::Linear& mu, nn::Linear& logvar) {
  return {mu->forward(h), torch::clamp(logvar->forward(h), -5.0, 5.0)};
}

}  // namespace

ResidualBlockImpl::ResidualBlockImpl(int64_t c, int64_t dilation) {
  conv_ = register_module(
      "conv", nn::Conv1d(nn::Conv1dOptions(c, c, 3).dilation(dilation).padding(dilation)));
  bn1_ = register_module("bn1", nn::BatchNorm1d(c));
  mix_ = register_module("mix", nn::Conv1d(nn::Conv1dOptions(c, c, 1)));
  bn2_ = register_module("bn2", nn::BatchNorm1d(c));
  shortcut_ = register_module("shortcut", nn::Conv1d(nn::Conv1dOptions(c, c, 1)));
  bn_shortcut_ = register_module("bn_shortcut", nn::BatchNorm1d(c));
}

torch::Tensor ResidualBlockImpl::forward(const torch::Tensor& x) {
  torch::Tensor h = torch::leaky_relu(bn1_->forward(conv_->forward(x)), 0.2);
  h = bn2_->forward(mix_->forward(h));
  return torch::leaky_relu(h + bn_shortcut_->forward(shortcut_->forward(x)), 0.2);
}

ConvEncoderImpl::ConvEncoderImpl(const GrainOptions& o) {
  features_ = nn::Sequential();
  int64_t in = 1, length = o.grain;
  for (int s = 0; s < o.conv_stages; ++s) {
    features_->push_back(nn::Conv1d(
        nn::Conv1dOptions(in, o.conv_channels, 9).stride(4).padding(4)));
    features_->push_back(nn::BatchNorm1d(o.conv_channels));
    features_->push_back(leaky());
    for (int64_t d : {1, 3, 9}) features_->push_back(ResidualBlock(o.conv_channels, d));
    in = o.conv_channels;
    length /= 4;
  }
  features_ = register_module("features", features_);
  const int64_t second = std::max(o.z_dim, o.encoder_hidden / 4);
  dense_ = register_module(
      "dense", nn::Sequential(nn::Linear(o.conv_channels * length, o.encoder_hidden),
                              nn::BatchNorm1d(o.encoder_hidden), leaky(),
                              nn::Linear(o.encoder_hidden, second), nn::BatchNorm1d(second),
                              leaky()));
  mu_ = register_module("mu", nn::Linear(second, o.z_dim));
  logvar_ = register_module("logvar", nn::Linear(second, o.z_dim));
}

Posterior ConvEncoderImpl::forward(const torch::Tensor& grains) {
  torch::Tensor h = features_->forward(grains.unsqueeze(1)).flatten(1);
  return heads(dense_->forward(h), mu_, logvar_);
}

SpectralEncoderImpl::SpectralEncoderImpl(const GrainOptions& o) {
  const int64_t bins = o.n_bins();
  dense_ = register_module(
      "dense", nn::Sequential(nn::Linear(bins, o.encoder_hidden),
                              nn::LayerNorm(nn::LayerNormOptions({o.encoder_hidden})), leaky(),
                              nn::Linear(o.encoder_hidden, o.encoder_hidden),
                              nn::LayerNorm(nn::LayerNormOptions({o.encoder_hidden})),
                              leaky()));
  mu_ = register_module("mu", nn::Linear(o.encoder_hidden, o.z_dim));
  logvar_ = register_module("logvar", nn::Linear(o.encoder_hidden, o.z_dim));
}

Posterior SpectralEncoderImpl::forward(const torch::Tensor& grains) {
  // Log magnitude, scaled so that typical values sit near [-1, 1].
  torch::Tensor spectrum = (torch::fft::rfft(grains).abs() + 1e-4).log() / 5.0;
  return heads(dense_->forward(spectrum), mu_, logvar_);
}

}  // namespace ngsynth
