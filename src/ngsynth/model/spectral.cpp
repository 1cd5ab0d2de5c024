#include "ngsynth/model/spectral.h"

#include <cmath>

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

namespace {

// The noise decoder's largest magnitude (2 sigmoid(x)^ln 10 < 2): the filter loss aims no higher.
constexpr double kFilterCeiling = 2.0;

// Per grain: what turns |rfft(x w_j)| into the filter magnitude that makes grain j (n, 1).
torch::Tensor filter_scales(const GrainFraming& framing, int64_t n, const torch::Device& device) {
  const torch::Tensor w = framing.windows(n, device);  // (n, G)
  const torch::Tensor coherent = framing.window_sum(n, device);
  const torch::Tensor incoherent =
      framing.overlap_add_windowed(w.square().unsqueeze(0)).squeeze(0) * coherent;
  const torch::Tensor gain = (coherent / incoherent.clamp_min(1e-8).sqrt()).unsqueeze(0);
  const torch::Tensor c = (framing.slice(gain).squeeze(0) * w).sum(-1) / w.square().sum(-1);
  return (std::sqrt(3.0) * c / w.norm(2, -1)).unsqueeze(-1);
}

torch::Tensor target_with_scales(const torch::Tensor& grains, const torch::Tensor& scales) {
  return torch::fft::rfft(grains).abs() * scales;
}

}  // namespace

torch::Tensor exact_filter(const torch::Tensor& audio, const GrainFraming& framing) {
  const torch::Tensor grains = framing.slice(audio);  // (B, n, G), windowed
  return target_with_scales(grains, filter_scales(framing, grains.size(1), audio.device()));
}

torch::Tensor filter_target(const torch::Tensor& audio, const GrainFraming& framing) {
  return exact_filter(audio, framing).clamp_max(kFilterCeiling);
}

SpectralDistance filter_magnitude_distance(const torch::Tensor& audio, const GrainFraming& framing,
                                           const torch::Tensor& filter, double log_weight,
                                           double eps) {
  const torch::Tensor grains = framing.slice(audio);  // (B, n, G), windowed
  const int64_t n = grains.size(1);
  const torch::Tensor scales = filter_scales(framing, n, audio.device());
  const torch::Tensor target = target_with_scales(grains, scales).clamp_max(kFilterCeiling).detach();
  TORCH_CHECK(filter.sizes() == target.sizes(), "filter_magnitude_distance: expected filter (",
              target.size(0), ", ", n, ", ", target.size(2), ")");
  // eps is in stft_magnitude's units (divided by the window sum): bring it to the filter's.
  const double e =
      eps * (framing.windows(n)[n / 2].sum() * scales[n / 2][0].cpu()).item<double>();
  torch::Tensor linear = (target - filter).norm() / (target.norm() + 1e-7);
  torch::Tensor log = ((target + e).log() - (filter + e).log()).abs().mean();
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
