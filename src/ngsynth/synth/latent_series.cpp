#include "ngsynth/synth/latent_series.h"

#include <cmath>

#include "ngsynth/audio/conditioning.h"
#include "ngsynth/audio/levels.h"
#include "ngsynth/synth/render.h"
#include "ngsynth/util/error.h"

namespace ngsynth {

torch::Tensor interpolate_series(const torch::Tensor& z, const std::vector<double>& positions) {
  TORCH_CHECK(z.dim() == 3 && z.size(0) == 1 && z.size(1) >= 1, "expected a (1, n, z) series");
  const int64_t n = z.size(1), m = static_cast<int64_t>(positions.size());
  std::vector<int64_t> lo(m), hi(m);
  std::vector<float> frac(m);
  for (int64_t j = 0; j < m; ++j) {
    const double p = std::clamp(positions[j], 0.0, double(n - 1));
    lo[j] = static_cast<int64_t>(std::floor(p));
    hi[j] = std::min(lo[j] + 1, n - 1);
    frac[j] = static_cast<float>(p - lo[j]);
  }
  torch::Tensor f = torch::tensor(frac).to(z.device()).view({1, m, 1});
  torch::Tensor a = z.index_select(1, torch::tensor(lo).to(z.device()));
  torch::Tensor b = z.index_select(1, torch::tensor(hi).to(z.device()));
  return a * (1 - f) + b * f;
}

torch::Tensor fit_series(const torch::Tensor& z, int64_t m) {
  TORCH_CHECK(m >= 1, "a series needs at least one grain");
  const int64_t n = z.size(1);
  std::vector<double> pos(m, 0.0);
  for (int64_t j = 0; j < m && m > 1; ++j) pos[j] = double(j) * double(n - 1) / double(m - 1);
  return interpolate_series(z, pos);
}

std::vector<float> stretch(GrainVae& vae, const std::vector<float>& audio, double factor,
                           int label, uint64_t seed) {
  if (!(factor > 0) || !std::isfinite(factor) || factor > 1000)
    throw Error("stretch factor must be in (0, 1000], not " + std::to_string(factor));
  const auto length = static_cast<int64_t>(std::llround(double(audio.size()) * factor));
  if (length < 1) throw Error("the stretched sound would be empty");
  torch::Tensor z = encode_sound(vae, audio);
  const int64_t m = vae->framing().grains_for(length);
  std::vector<double> pos(m);
  for (int64_t j = 0; j < m; ++j) pos[j] = double(j) / factor;
  std::vector<float> y = render_latents(vae, interpolate_series(z, pos), class_label(label), seed, length);
  match_level(y, audio);
  return y;
}

torch::Tensor blend_series(const torch::Tensor& a, const torch::Tensor& b, double mix,
                           bool crossfade) {
  if (!crossfade && !(mix >= 0 && mix <= 1)) throw Error("blend mix must be within [0, 1]");
  const int64_t n = a.size(1);
  torch::Tensor bf = fit_series(b, n);
  torch::Tensor w = crossfade ? (n > 1 ? torch::linspace(0.0, 1.0, n) : torch::zeros({1}))
                              : torch::full({n}, mix);
  w = w.to(a.device()).view({1, n, 1});
  return a * (1 - w) + bf * w;
}

std::vector<float> blend(GrainVae& vae, const std::vector<float>& a, const std::vector<float>& b,
                         double mix, bool crossfade, int label, uint64_t seed) {
  torch::Tensor z = blend_series(encode_sound(vae, a), encode_sound(vae, b), mix, crossfade);
  std::vector<float> y = render_latents(vae, z, class_label(label), seed, static_cast<int64_t>(a.size()));
  // As loud as the mix asks: the two inputs' RMS amplitudes and peaks weighted by the mean
  // mix (mix 0 is exactly A's resynthesis).
  const double w = crossfade ? 0.5 : mix;
  const auto amplitude = [](const std::vector<float>& x) {
    return std::pow(10.0, rms_db(x.data(), int64_t(x.size())) / 20);
  };
  scale_to_level(y, amplitude_to_db((1 - w) * amplitude(a) + w * amplitude(b)),
                 (1 - w) * peak_abs(a) + w * peak_abs(b));
  return y;
}

}  // namespace ngsynth
