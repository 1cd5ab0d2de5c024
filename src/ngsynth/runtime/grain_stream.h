// Streaming grain synthesis without LibTorch (the runtime's synth/grain_stream): one grain
// per hop from a latent that may change at every hop, windowed (plain Hann) and overlap-
// added into a running sum; each call returns the next hop of finished samples divided by
// the steady-state window sum and post-filtered (taps/2 samples of delay). The stream owns
// all its state (grain index, which is also its noise position; overlap-add tail; filter
// history; scratch), allocated at construction: next() allocates nothing and takes no
// lock, so streams of one decoder run on any threads at once.
#pragma once

#include <cstdint>
#include <vector>

#include "ngsynth/runtime/grain_decoder.h"

namespace ngsynth::rt {

class GrainStream {
 public:
  // `decoder` must outlive the stream.
  GrainStream(const GrainDecoder& decoder, uint64_t seed);

  int hop() const { return static_cast<int>(hop_); }
  // Starts again from silence with a new seed.
  void reset(uint64_t seed);
  // The next hop samples for latent z (z_dim floats) with class weights `classes`
  // (decoder.n_classes() floats).
  void next(const float* z, const float* classes, float* out);

 private:
  const GrainDecoder& decoder_;
  GrainScratch scratch_;
  uint64_t seed_ = 0, grain_index_ = 0;
  int64_t grain_, hop_;
  std::vector<float> inv_sum_, h_, grain_buf_;
  std::vector<float> pending_, history_, filtered_;
};

}  // namespace ngsynth::rt
