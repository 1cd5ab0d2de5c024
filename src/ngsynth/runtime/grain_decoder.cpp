#include "ngsynth/runtime/grain_decoder.h"

#include <algorithm>
#include <cmath>

#include "ngsynth/audio/fir.h"
#include "ngsynth/runtime/kernels.h"
#include "ngsynth/runtime/noise.h"
#include "ngsynth/util/error.h"

namespace ngsynth::rt {

std::vector<float> hann_window(int64_t n) {
  std::vector<float> w(static_cast<std::size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    w[i] = static_cast<float>(0.5 - 0.5 * std::cos(2.0 * M_PI * double(i) / double(n)));
  return w;
}

GrainScratch::GrainScratch(const GrainDecoder& d, int64_t max_grains_)
    : max_grains(max_grains_),
      fft(d.options().grain),
      tonal_fft(d.options().tonal ? int64_t(d.options().grain) * d.options().tonal_oversample : 2) {
  const GrainOptions& o = d.options();
  tonal_spectrum.assign(static_cast<std::size_t>(tonal_fft.size() / 2 + 1), {0.0f, 0.0f});
  tonal_grain.resize(static_cast<std::size_t>(tonal_fft.size()));
  input.resize(static_cast<std::size_t>(max_grains * (o.z_dim + d.n_classes())));
  mlp.resize(static_cast<std::size_t>(2 * max_grains * std::max(o.decoder_hidden, o.decoder_outputs())));
  noise.resize(static_cast<std::size_t>(o.grain));
  spectrum.resize(static_cast<std::size_t>(o.grain / 2 + 1));
  if (o.class_film) film.resize(static_cast<std::size_t>(2 * o.decoder_hidden * o.decoder_layers));
}

GrainDecoder::GrainDecoder(const GrainOptions& options, const TensorSet& w)
    : o_(options), n_classes_(options.conditional ? options.n_classes : 0), tonal_(options) {
  o_.validate();
  int64_t in = o_.z_dim + n_classes_;
  for (int i = 0; i < o_.decoder_layers; ++i) {
    const std::string p = "grain.decoder.mlp." + std::to_string(3 * i);
    Mlp::Block b;
    b.linear = Linear::from(w, p, in);
    b.norm = true;
    b.layer_norm = LayerNorm::from(w, "grain.decoder.mlp." + std::to_string(3 * i + 1),
                                   b.linear.out());
    in = b.linear.out();
    mlp_.add(std::move(b));
  }
  Mlp::Block last;
  last.linear = Linear::from(w, "grain.decoder.mlp." + std::to_string(3 * o_.decoder_layers), in);
  last.activation = false;
  if (last.linear.out() != outputs())
    throw Error(o_.tonal ? "runtime weights: the decoder's output is not 2 (grain/2+1) (tonal)"
                         : "runtime weights: the decoder's output is not grain/2+1");
  mlp_.add(std::move(last));
  if (o_.class_film && n_classes_ > 0)
    film_ = w.at("grain.decoder.film.weight", {2 * int64_t(o_.decoder_hidden) * o_.decoder_layers,
                                               n_classes_}).data;
  hann_ = hann_window(o_.grain);
  if (o_.post_filter_taps > 0)
    taps_ = w.at("grain.post_filter.weight", {1, 1, o_.post_filter_taps}).data;
}

void GrainDecoder::magnitudes(const float* z, int64_t n, const float* classes, float* h,
                              GrainScratch& s) const {
  if (n > s.max_grains) throw Error("grain decoder: more grains than the scratch holds");
  const int64_t in = o_.z_dim + n_classes_, b = bins(), stride = outputs();
  for (int64_t j = 0; j < n; ++j) {
    std::copy(z + j * o_.z_dim, z + (j + 1) * o_.z_dim, s.input.begin() + j * in);
    if (n_classes_ > 0) std::copy(classes, classes + n_classes_, s.input.begin() + j * in + o_.z_dim);
  }
  const float* film = nullptr;
  if (!film_.empty()) {  // [1 + gamma, beta] of every layer: the film weights times the classes
    const int64_t rows = static_cast<int64_t>(s.film.size()), hidden = o_.decoder_hidden;
    for (int64_t r = 0; r < rows; ++r) {
      float v = 0;
      for (int64_t c = 0; c < n_classes_; ++c) v += film_[r * n_classes_ + c] * classes[c];
      s.film[r] = (r / hidden) % 2 == 0 ? 1.0f + v : v;
    }
    film = s.film.data();
  }
  mlp_.forward(s.input.data(), n, h, s.mlp.data(), film);
  noise_magnitudes(h, n * stride);
  for (int64_t j = 0; j < n; ++j) {
    float* row = h + j * stride;  // the noise magnitudes; the tonal ones are not smoothed
    // [1/4, 1/2, 1/4], reflecting at both ends; in place with one sample of delay.
    float prev = row[1];
    for (int64_t k = 0; k < b; ++k) {
      const float next = k + 1 < b ? row[k + 1] : prev;  // prev: the original h[b-2]
      const float cur = row[k];
      row[k] = 0.25f * prev + 0.5f * cur + 0.25f * next;
      prev = cur;
    }
  }
}

void GrainDecoder::filter(const float* h, const float* noise, uint64_t index, float* grain,
                          GrainScratch& s) const {
  s.fft.forward(noise, s.spectrum.data());
  const int64_t b = bins();
  for (int64_t k = 0; k < b; ++k) s.spectrum[k] *= h[k];
  s.fft.inverse(s.spectrum.data(), grain);
  if (o_.tonal) {
    tonal_.spectrum(h + b, index, s.tonal_spectrum.data());
    s.tonal_fft.inverse(s.tonal_spectrum.data(), s.tonal_grain.data());
    for (int64_t i = 0; i < o_.grain; ++i) grain[i] += s.tonal_grain[i];
  }
}

std::vector<float> GrainDecoder::grains(const float* z, int64_t n, const float* classes,
                                        uint64_t seed) const {
  GrainScratch s(*this, std::max<int64_t>(n, 1));
  std::vector<float> h(static_cast<std::size_t>(n * outputs()));
  magnitudes(z, n, classes, h.data(), s);
  std::vector<float> out(static_cast<std::size_t>(n * o_.grain));
  for (int64_t j = 0; j < n; ++j) {
    uniform_noise(seed, static_cast<uint64_t>(j), s.noise.data(), o_.grain);
    filter(h.data() + j * outputs(), s.noise.data(), static_cast<uint64_t>(j),
           out.data() + j * o_.grain, s);
  }
  return out;
}

std::vector<float> overlap_add(const float* grains, int64_t n, int64_t g, int64_t hop,
                               const std::vector<float>& hann, bool flat_edges) {
  const int64_t length = (n - 1) * hop + g, half = g / 2;
  std::vector<float> out(static_cast<std::size_t>(length), 0.0f), wsum(out.size(), 0.0f);
  for (int64_t j = 0; j < n; ++j) {
    const float* grain = grains + j * g;
    float* dst = out.data() + j * hop;
    float* sum = wsum.data() + j * hop;
    for (int64_t k = 0; k < g; ++k) {
      const bool flat = flat_edges && ((j == 0 && k < half) || (j == n - 1 && k >= half));
      const float w = flat ? 1.0f : hann[k];
      dst[k] += grain[k] * w;
      sum[k] += w;
    }
  }
  for (int64_t t = 0; t < length; ++t) out[t] *= 1.0f / std::max(wsum[t], 1e-8f);
  return out;
}

std::vector<float> GrainDecoder::render(const float* z, int64_t n, const float* classes,
                                        uint64_t seed, int64_t length) const {
  if (n < 1) throw Error("render: a latent series needs at least one grain");
  if (length < 0) throw Error("render: negative length");
  const std::vector<float> g = grains(z, n, classes, seed);
  std::vector<float> audio = overlap_add(g.data(), n, o_.grain, o_.hop, hann_, o_.flat_edges);
  std::vector<float> out(static_cast<std::size_t>(length), 0.0f);
  const int64_t keep = std::min<int64_t>(length, static_cast<int64_t>(audio.size()));
  if (!taps_.empty()) {
    std::vector<float> filtered(audio.size());
    fir_same(audio.data(), filtered.data(), static_cast<int64_t>(audio.size()), taps_.data(),
             static_cast<int64_t>(taps_.size()));
    std::copy(filtered.begin(), filtered.begin() + keep, out.begin());
  } else {
    std::copy(audio.begin(), audio.begin() + keep, out.begin());
  }
  return out;
}

}  // namespace ngsynth::rt
