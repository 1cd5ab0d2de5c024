// Multi-scale spectral distance, the training loss of the grain VAE and the first metric
// of `ngsynth eval`. As in DDSP (Engel et al. 2020) and RAVE (Caillon & Esling 2021), for
// each FFT size n (hop n/4, periodic Hann, signal zero-padded by n/2 at both ends):
//   linear term = ||S_x - S_y||_F / ||S_x||_F        (spectral convergence)
//   log term    = mean |log(S_x + eps) - log(S_y + eps)|
// with S the STFT magnitude divided by the window sum, summed over scales. The STFT is
// built from a strided view and rfft, which behaves the same in LibTorch 1.13 and 2.x.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "ngsynth/model/grains.h"

namespace ngsynth {

// x: (B, T) -> magnitudes (B, frames, n/2+1), amplitude-normalised.
torch::Tensor stft_magnitude(const torch::Tensor& x, int64_t n_fft);

struct SpectralDistance {
  torch::Tensor total;   // linear + log_weight * log, summed over scales (scalar)
  torch::Tensor linear;  // sum over scales of spectral convergence
  torch::Tensor log;     // sum over scales of mean log-magnitude L1
};

// x is the target, y the estimate; both (B, T).
SpectralDistance multiscale_spectral_distance(const torch::Tensor& x, const torch::Tensor& y,
                                              const std::vector<int>& scales,
                                              double log_weight, double eps);

// The decoder's filter against the grains it should give (beyond the paper; see
// GrainOptions::filter_loss_weight). audio: (B, T) target events; filter: (B, n, G/2+1) the
// smoothed noise magnitudes H that shaped each decoded grain, n = framing's grains for T.
// Uniform noise in [-1, 1] (variance 1/3) filtered by H has power |H|^2 / 3 per sample and
// bin; windowed by w it has |H|^2 ||w||^2 / 3 per bin. Overlap-add then sums independent
// noise grains incoherently, sum_j w_j^2 where a real signal adds up coherently,
// (sum_j w_j)^2; for a periodic Hann at 75 % overlap the output is 4.3 dB quieter than
// each grain. So the target is T_j = |rfft(x w_j)| sqrt(3) c_j / ||w_j||, where c_j is
// sum_j w_j / sqrt(sum_j w_j^2) averaged over grain j's window, weighted by w_j^2 (1
// where a flat edge stands alone): filtered noise of magnitudes T comes out of the decoder as loud as x. T is capped
// at the decoder's ceiling of 2 (filter_target gives it, (B, n, G/2+1)). The same two
// terms as above, over all grains at once:
// ||T - H|| / ||T|| + log_weight mean |log(T + e) - log(H + e)|, with e = eps brought to
// this scale (stft_magnitude divides by the window sum).
torch::Tensor filter_target(const torch::Tensor& audio, const GrainFraming& framing);
// T without the cap: the filter that would make x's grains, however loud (B, n, G/2+1).
torch::Tensor exact_filter(const torch::Tensor& audio, const GrainFraming& framing);
SpectralDistance filter_magnitude_distance(const torch::Tensor& audio, const GrainFraming& framing,
                                           const torch::Tensor& filter, double log_weight,
                                           double eps);

// Log-spectral distance in dB (per item): sqrt(mean over bins of (10 log10 P_x/P_y)^2),
// averaged over frames; P the power spectrum at n_fft (+1e-10). x, y: (B, T) -> (B).
torch::Tensor log_spectral_distance(const torch::Tensor& x, const torch::Tensor& y,
                                    int64_t n_fft);

}  // namespace ngsynth
