#include "ngsynth/model/noise_decoder.h"

#include <cmath>

namespace ngsynth {
namespace nn = torch::nn;

NoiseDecoderImpl::NoiseDecoderImpl(const GrainOptions& o)
    : grain_(o.grain), bins_(o.n_bins()), n_classes_(o.conditional ? o.n_classes : 0),
      tonal_(o.tonal), hidden_(o.decoder_hidden), layers_(o.decoder_layers) {
  mlp_ = nn::Sequential();
  int64_t in = o.z_dim + n_classes_;
  for (int i = 0; i < o.decoder_layers; ++i) {
    mlp_->push_back(nn::Linear(in, o.decoder_hidden));
    mlp_->push_back(nn::LayerNorm(nn::LayerNormOptions({o.decoder_hidden})));
    mlp_->push_back(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)));
    in = o.decoder_hidden;
  }
  nn::Linear out(in, o.decoder_outputs());
  mlp_->push_back(out);
  mlp_ = register_module("mlp", mlp_);
  if (o.class_film && n_classes_ > 0) {
    film_ = register_module(
        "film", nn::Linear(nn::LinearOptions(n_classes_, 2 * hidden_ * layers_).bias(false)));
    torch::NoGradGuard no_grad;
    film_->weight.zero_();  // starts as the plain decoder
  }
  if (tonal_) {
    // The tonal bank starts about 50 dB below the noise (bias -3: 2 sigmoid(-3)^ln 10 ~
    // 2e-3), so training begins from the plain noise decoder and lets tones in where they pay.
    torch::NoGradGuard no_grad;
    out->bias.narrow(0, bins_, bins_).fill_(-3.0);
    // The bank's unit rotations as one complex table, and its gain.
    const rt::TonalBank bank(o);
    tonal_gain_ = bank.gain();
    tonal_size_ = bank.fft_size();
    std::vector<float> interleaved;
    for (const auto& r : bank.rotations()) {
      interleaved.push_back(r.real());
      interleaved.push_back(r.imag());
    }
    rotations_ = torch::view_as_complex(
        torch::from_blob(interleaved.data(), {bank.period(), bins_, 2}).clone());
  }
}

torch::Tensor NoiseDecoderImpl::magnitudes(const torch::Tensor& z, const torch::Tensor& cond) {
  torch::Tensor input = n_classes_ > 0 ? torch::cat({z, cond}, 1) : z;
  torch::Tensor x;
  if (film_) {  // Linear, LayerNorm, FiLM, LeakyReLU per hidden layer; then the output Linear
    const torch::Tensor f = film_->forward(cond);
    x = input;
    for (int64_t i = 0; i < layers_; ++i) {
      x = mlp_->at<nn::LayerNormImpl>(3 * i + 1).forward(mlp_->at<nn::LinearImpl>(3 * i).forward(x));
      x = x * (1.0 + f.narrow(1, 2 * hidden_ * i, hidden_)) +
          f.narrow(1, 2 * hidden_ * i + hidden_, hidden_);
      x = mlp_->at<nn::LeakyReLUImpl>(3 * i + 2).forward(x);
    }
    x = mlp_->at<nn::LinearImpl>(3 * layers_).forward(x);
  } else {
    x = mlp_->forward(input);
  }
  // 2 sigmoid(x)^ln(10), as exp(ln(10) log sigmoid(x)): vectorised, 4x faster than pow.
  torch::Tensor h = 2.0 * torch::exp(std::log(10.0) * torch::log_sigmoid(x));
  // When rendering, bins below -100 dB are silence: a grain the model decodes as silent
  // comes out as digital zeros (the reference's + 1e-7 floor left a -93 dB hiss everywhere).
  if (!torch::GradMode::is_enabled()) h = h * (h >= kSilentMagnitude);
  return h;
}

torch::Tensor NoiseDecoderImpl::filter(const torch::Tensor& h, const torch::Tensor& noise,
                                       const torch::Tensor& index) const {
  const torch::Tensor spectrum = torch::fft::rfft(noise.to(h.device())) *
                                 smooth_magnitudes(tonal_ ? h.narrow(-1, 0, bins_) : h);
  torch::Tensor grains = torch::fft::irfft(spectrum, grain_);
  if (tonal_) {
    // A small table: moved to the device as it is, then its rows picked there.
    const torch::Tensor rows = index.to(h.device(), torch::kLong).remainder(rotations_.size(0));
    const torch::Tensor rotation = rotations_.to(h.device()).index_select(0, rows);
    const torch::Tensor tonal = (h.narrow(-1, bins_, bins_) * tonal_gain_) * rotation;
    // irfft pads the bins to tonal_size_/2 + 1 with zeros; the grain is the first samples.
    grains = grains + torch::fft::irfft(tonal, tonal_size_).narrow(-1, 0, grain_);
  }
  return grains;
}

torch::Tensor smooth_magnitudes(const torch::Tensor& h) {
  const int64_t bins = h.size(-1);
  torch::Tensor left = torch::cat({h.narrow(-1, 1, 1), h.narrow(-1, 0, bins - 1)}, -1);
  torch::Tensor right = torch::cat({h.narrow(-1, 1, bins - 1), h.narrow(-1, bins - 2, 1)}, -1);
  return 0.25 * left + 0.5 * h + 0.25 * right;
}

}  // namespace ngsynth
