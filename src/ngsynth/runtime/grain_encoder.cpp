#include "ngsynth/runtime/grain_encoder.h"

#include <cmath>
#include <complex>

#include "ngsynth/runtime/fft.h"
#include "ngsynth/runtime/grain_decoder.h"
#include "ngsynth/util/error.h"

namespace ngsynth::rt {

GrainEncoder::GrainEncoder(const GrainOptions& options, const TensorSet& w) : o_(options) {
  if (o_.encoder != Encoder::spectral)
    throw Error(std::string("the runtime encodes with the spectral encoder only (this model's is ") +
                enum_name(o_.encoder) + ")");
  const int64_t bins = o_.grain / 2 + 1, hidden = o_.encoder_hidden;
  for (int i = 0; i < 2; ++i) {
    Mlp::Block b;
    b.linear = Linear::from(w, "grain.encoder.dense." + std::to_string(3 * i), i == 0 ? bins : hidden);
    b.norm = true;
    b.layer_norm = LayerNorm::from(w, "grain.encoder.dense." + std::to_string(3 * i + 1), hidden);
    dense_.add(std::move(b));
  }
  mu_ = Linear::from(w, "grain.encoder.mu", hidden);
}

std::vector<float> GrainEncoder::encode(const std::vector<float>& audio) const {
  const int64_t g = o_.grain, hop = o_.hop, bins = g / 2 + 1, length = static_cast<int64_t>(audio.size());
  const int64_t n = length <= g ? 1 : (length - g + hop - 1) / hop + 1;
  const std::vector<float> hann = hann_window(g);
  RealFft fft(g);
  std::vector<float> grain(g), spectra(static_cast<std::size_t>(n * bins));
  std::vector<std::complex<float>> x(bins);
  for (int64_t j = 0; j < n; ++j) {
    for (int64_t k = 0; k < g; ++k) {
      const int64_t t = j * hop + k;
      const bool flat = o_.flat_edges && ((j == 0 && k < g / 2) || (j == n - 1 && k >= g / 2));
      grain[k] = (t < length ? audio[t] : 0.0f) * (flat ? 1.0f : hann[k]);
    }
    fft.forward(grain.data(), x.data());
    for (int64_t k = 0; k < bins; ++k) spectra[j * bins + k] = std::log(std::abs(x[k]) + 1e-4f) / 5.0f;
  }
  std::vector<float> hidden(static_cast<std::size_t>(n * o_.encoder_hidden));
  std::vector<float> scratch(static_cast<std::size_t>(2 * n * dense_.widest()));
  dense_.forward(spectra.data(), n, hidden.data(), scratch.data());
  std::vector<float> mu(static_cast<std::size_t>(n * o_.z_dim));
  mu_.forward(hidden.data(), n, mu.data());
  return mu;
}

}  // namespace ngsynth::rt
