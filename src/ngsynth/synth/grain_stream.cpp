#include "ngsynth/synth/grain_stream.h"

#include <algorithm>

#include "ngsynth/audio/fir.h"
#include "ngsynth/runtime/noise.h"

namespace ngsynth {

GrainStream::GrainStream(GrainVae vae, uint64_t seed)
    : vae_(std::move(vae)),
      grain_(vae_->options().grain),
      hop_(vae_->options().hop) {
  vae_->eval();  // once: next() runs at every hop
  torch::Tensor hann = torch::hann_window(grain_, torch::TensorOptions().dtype(torch::kFloat32));
  window_.assign(hann.data_ptr<float>(), hann.data_ptr<float>() + grain_);
  inv_sum_.assign(hop_, 0.0f);
  for (int64_t i = 0; i < hop_; ++i) {
    float sum = 0;
    for (int64_t k = i; k < grain_; k += hop_) sum += window_[k];
    inv_sum_[i] = 1.0f / std::max(sum, 1e-6f);
  }
  torch::Tensor taps = vae_->post_filter_taps();
  if (taps.defined()) {
    taps = taps.detach().to(torch::kCPU).contiguous();
    taps_.assign(taps.data_ptr<float>(), taps.data_ptr<float>() + taps.numel());
  }
  reset(seed);
}

void GrainStream::reset(uint64_t seed) {
  seed_ = seed;
  grain_index_ = 0;
  pending_.assign(grain_, 0.0f);
  history_.assign(taps_.empty() ? hop_ : taps_.size() - 1 + hop_, 0.0f);
  filtered_.assign(history_.size(), 0.0f);
}

void GrainStream::next(const float* z, const torch::Tensor& classes, float* out) {
  torch::NoGradGuard no_grad;
  const int64_t z_dim = vae_->options().z_dim;
  torch::Tensor zt = torch::from_blob(const_cast<float*>(z), {1, z_dim}).clone();
  torch::Tensor noise = torch::empty({1, grain_});
  rt::uniform_noise(seed_, grain_index_, noise.data_ptr<float>(), grain_);
  torch::Tensor grain = vae_->decode_grains(zt, classes, static_cast<int64_t>(grain_index_++), noise)
                            .to(torch::kCPU)
                            .contiguous();
  const float* g = grain.data_ptr<float>();
  for (int64_t k = 0; k < grain_; ++k) pending_[k] += g[k] * window_[k];
  // The first hop of the sum is final: no later grain reaches it.
  float* fresh = history_.data() + (history_.size() - hop_);
  for (int64_t i = 0; i < hop_; ++i) fresh[i] = pending_[i] * inv_sum_[i];
  std::move(pending_.begin() + hop_, pending_.end(), pending_.begin());
  std::fill(pending_.end() - hop_, pending_.end(), 0.0f);
  if (taps_.empty()) {
    std::copy(fresh, fresh + hop_, out);
  } else {
    // The centred filter over [history, fresh]: its outputs pad..pad+hop-1 have all their
    // inputs, i.e. the hop that ends taps/2 samples before the newest sample.
    const int64_t pad = static_cast<int64_t>(taps_.size()) / 2;
    fir_same(history_.data(), filtered_.data(), static_cast<int64_t>(history_.size()),
             taps_.data(), static_cast<int64_t>(taps_.size()));
    std::copy(filtered_.begin() + pad, filtered_.begin() + pad + hop_, out);
  }
  std::move(history_.begin() + hop_, history_.end(), history_.begin());
}

}  // namespace ngsynth
