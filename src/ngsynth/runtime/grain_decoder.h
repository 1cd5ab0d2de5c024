// The grain decoder of neural granular synthesis without LibTorch (the runtime's part of
// model/noise_decoder and model/grain_vae): an MLP with LayerNorm maps a grain latent z
// (with the class weights when conditional) to grain/2+1 magnitudes H = 2 sigmoid(x)^ln 10
// (zero below -100 dB), smoothed [1/4, 1/2, 1/4]; they filter uniform noise in the frequency domain
// (kissfft) (with GrainOptions::class_film the class weights also scale and shift every
// hidden layer after its LayerNorm); the grains are windowed and overlap-added with the exact window sum (flat
// outer half-windows) and the learned FIR post-filter (audio/fir) shapes the result.
// Noise grain j of a render seeded s is rt::uniform_noise(s, j): the same latents and seed
// give the same samples on every machine. With GrainOptions::tonal the MLP gives grain/2+1
// tonal magnitudes after the noise ones, and grain j adds the tonal bank's sinusoids at
// their phases for grain j (runtime/tonal_bank.h). Weights are immutable: one decoder serves any
// number of threads, each with its own GrainScratch.
#pragma once

#include <complex>
#include <cstdint>
#include <vector>

#include "ngsynth/spec/options.h"
#include "ngsynth/runtime/fft.h"
#include "ngsynth/runtime/layers.h"
#include "ngsynth/runtime/tensor_set.h"
#include "ngsynth/runtime/tonal_bank.h"

namespace ngsynth::rt {

class GrainDecoder;

// Working memory of one thread's decoding, for up to max_grains grains per call.
struct GrainScratch {
  GrainScratch(const GrainDecoder& decoder, int64_t max_grains);
  int64_t max_grains;
  RealFft fft;
  std::vector<float> input, mlp, noise;
  std::vector<float> film;  // every hidden layer's [scale, shift] for this call's class weights
  std::vector<std::complex<float>> spectrum;
  // The tonal bank's inverse FFT (size grain x tonal_oversample) and buffers; unused
  // without the bank. Bins above the bank's stay zero.
  RealFft tonal_fft;
  std::vector<std::complex<float>> tonal_spectrum;
  std::vector<float> tonal_grain;
};

class GrainDecoder {
 public:
  // Tensors "grain.decoder.mlp.*" and "grain.post_filter.weight" (when the options have a
  // post-filter) of `weights`; Error naming a missing or misshapen tensor.
  GrainDecoder(const GrainOptions& options, const TensorSet& weights);

  const GrainOptions& options() const { return o_; }
  int64_t n_classes() const { return n_classes_; }  // class weights expected (0: none)
  int64_t bins() const { return o_.grain / 2 + 1; }
  int64_t outputs() const { return o_.decoder_outputs(); }  // a row of magnitudes
  const std::vector<float>& hann() const { return hann_; }  // periodic Hann, grain samples
  const std::vector<float>& taps() const { return taps_; }  // post-filter, empty if none

  // Magnitudes of n <= scratch.max_grains latents (n x z_dim), all with the class weights
  // `classes` (n_classes() floats; ignored without classes): h (n x outputs()), in each row
  // the smoothed noise magnitudes (bins), then the tonal ones (bins) when tonal.
  void magnitudes(const float* z, int64_t n, const float* classes, float* h,
                  GrainScratch& scratch) const;
  // Raw (unwindowed) grain number `index` of a series: irfft(rfft(noise) * h_noise + tonal
  // bank(h_tonal, index)), h one row of magnitudes(), noise (grain).
  void filter(const float* h, const float* noise, uint64_t index, float* grain,
              GrainScratch& scratch) const;
  // The raw grains of n latents with noise from `seed` (grain j draws noise j):
  // grains (n x grain). Allocates its scratch.
  std::vector<float> grains(const float* z, int64_t n, const float* classes, uint64_t seed) const;
  // A latent series (n x z_dim) to exactly `length` samples: decoded, overlap-added,
  // post-filtered, cropped or zero-padded.
  std::vector<float> render(const float* z, int64_t n, const float* classes, uint64_t seed,
                            int64_t length) const;

 private:
  GrainOptions o_;
  int64_t n_classes_;
  Mlp mlp_;
  // class_film: the (2 hidden layers) x n_classes weights giving every layer's [gamma, beta]
  // from the class weights (grain.decoder.film.weight); empty without.
  std::vector<float> film_;
  std::vector<float> hann_, taps_;
  TonalBank tonal_;
};

// Overlap-adds n raw grains (n x grain, hop apart), windowed with the Hann window (its
// first half flat on grain 0 and its second half flat on grain n-1 when flat_edges), and
// divides by the window sum: length (n - 1) hop + grain.
std::vector<float> overlap_add(const float* grains, int64_t n, int64_t grain, int64_t hop,
                               const std::vector<float>& hann, bool flat_edges);

// The periodic Hann window of n samples.
std::vector<float> hann_window(int64_t n);

}  // namespace ngsynth::rt
