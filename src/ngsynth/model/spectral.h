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

// Log-spectral distance in dB (per item): sqrt(mean over bins of (10 log10 P_x/P_y)^2),
// averaged over frames; P the power spectrum at n_fft (+1e-10). x, y: (B, T) -> (B).
torch::Tensor log_spectral_distance(const torch::Tensor& x, const torch::Tensor& y,
                                    int64_t n_fft);

}  // namespace ngsynth
