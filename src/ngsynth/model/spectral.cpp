#include "ngsynth/model/spectral.h"

namespace ngsynth {
namespace F = torch::nn::functional;

torch::Tensor stft_magnitude(const torch::Tensor& x, int64_t n_fft) {
  TORCH_CHECK(x.dim() == 2, "stft_magnitude: expected (batch, samples)");
  const int64_t hop = std::max<int64_t>(1, n_fft / 4);
  torch::Tensor padded = F::pad(x, F::PadFuncOptions({n_fft / 2, n_fft / 2}));
  torch::Tensor window = torch::hann_window(n_fft, x.options());
  torch::Tensor frames = padded.unfold(1, n_fft, hop) * window;
  return torch::fft::rfft(frames).abs() / window.sum();
}

SpectralDistance multiscale_spectral_distance(const torch::Tensor& x, const torch::Tensor& y,
                                              const std::vector<int>& scales,
                                              double log_weight, double eps) {
  torch::Tensor linear = torch::zeros({}, x.options());
  torch::Tensor log = torch::zeros({}, x.options());
  for (int n : scales) {
    torch::Tensor sx = stft_magnitude(x, n);
    torch::Tensor sy = stft_magnitude(y, n);
    linear = linear + (sx - sy).norm() / (sx.norm() + 1e-7);
    log = log + ((sx + eps).log() - (sy + eps).log()).abs().mean();
  }
  return {linear + log_weight * log, linear, log};
}

torch::Tensor log_spectral_distance(const torch::Tensor& x, const torch::Tensor& y,
                                    int64_t n_fft) {
  torch::Tensor px = stft_magnitude(x, n_fft).square() + 1e-10;
  torch::Tensor py = stft_magnitude(y, n_fft).square() + 1e-10;
  torch::Tensor diff_db = 10.0 * (px.log10() - py.log10());
  return diff_db.square().mean(-1).sqrt().mean(-1);
}

}  // namespace ngsynth
