#include "ngsynth/runtime/grain_stream.h"

#include <algorithm>

#include "ngsynth/audio/fir.h"
#include "ngsynth/runtime/noise.h"

namespace ngsynth::rt {

GrainStream::GrainStream(const GrainDecoder& decoder, uint64_t seed)
    : decoder_(decoder),
      scratch_(decoder, 1),
      grain_(decoder.options().grain),
      hop_(decoder.options().hop) {
  const std::vector<float>& w = decoder_.hann();
  inv_sum_.assign(hop_, 0.0f);
  for (int64_t i = 0; i < hop_; ++i) {
    float sum = 0;
    for (int64_t k = i; k < grain_; k += hop_) sum += w[k];
    inv_sum_[i] = 1.0f / std::max(sum, 1e-6f);
  }
  h_.resize(static_cast<std::size_t>(decoder_.outputs()));
  grain_buf_.resize(static_cast<std::size_t>(grain_));
  const std::size_t taps = decoder_.taps().size();
  history_.resize(taps == 0 ? hop_ : taps - 1 + hop_);
  filtered_.resize(history_.size());
  pending_.resize(static_cast<std::size_t>(grain_));
  reset(seed);
}

void GrainStream::reset(uint64_t seed) {
  seed_ = seed;
  grain_index_ = 0;
  std::fill(pending_.begin(), pending_.end(), 0.0f);
  std::fill(history_.begin(), history_.end(), 0.0f);
  std::fill(filtered_.begin(), filtered_.end(), 0.0f);
}

void GrainStream::next(const float* z, const float* classes, float* out) {
  decoder_.magnitudes(z, 1, classes, h_.data(), scratch_);
  uniform_noise(seed_, grain_index_, scratch_.noise.data(), grain_);
  decoder_.filter(h_.data(), scratch_.noise.data(), grain_index_++, grain_buf_.data(), scratch_);
  const std::vector<float>& w = decoder_.hann();
  for (int64_t k = 0; k < grain_; ++k) pending_[k] += grain_buf_[k] * w[k];
  // The first hop of the sum is final: no later grain reaches it.
  float* fresh = history_.data() + (history_.size() - hop_);
  for (int64_t i = 0; i < hop_; ++i) fresh[i] = pending_[i] * inv_sum_[i];
  std::move(pending_.begin() + hop_, pending_.end(), pending_.begin());
  std::fill(pending_.end() - hop_, pending_.end(), 0.0f);
  const std::vector<float>& taps = decoder_.taps();
  if (taps.empty()) {
    std::copy(fresh, fresh + hop_, out);
  } else {
    // The centred filter over [history, fresh]: outputs pad..pad+hop-1 have all their inputs.
    const auto pad = static_cast<int64_t>(taps.size()) / 2;
    fir_same(history_.data(), filtered_.data(), static_cast<int64_t>(history_.size()),
             taps.data(), static_cast<int64_t>(taps.size()));
    std::copy(filtered_.begin() + pad, filtered_.begin() + pad + hop_, out);
  }
  std::move(history_.begin() + hop_, history_.end(), history_.begin());
}

}  // namespace ngsynth::rt
