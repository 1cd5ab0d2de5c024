// Grain framing for neural granular synthesis (Bitton, Esling, Harada, ICMC 2020, sec. 3):
// an event is cut into grains with a periodic Hann window at a fixed hop (75 % overlap for
// hop = grain/4), and grains are put back together by overlap-add. Slicing is a strided
// view (Tensor::unfold), overlap-add is its adjoint (fold). Unlike the reference code,
// which divides by the number of overlapping grains (gain drifting to 0.5 at the ends),
// overlap-add here divides by the actual sum of the windows, so the gain is exactly one
// from the first sample to the last. With flat_edges the first half of the first window
// and the second half of the last window are 1.0, which keeps attacks intact.
#pragma once

#include <torch/torch.h>

namespace ngsynth {

class GrainFraming {
 public:
  GrainFraming(int64_t grain, int64_t hop, bool flat_edges);

  int64_t grain() const { return grain_; }
  int64_t hop() const { return hop_; }
  // Samples covered by n grains, and grains needed to cover `length` samples.
  int64_t length_for(int64_t n_grains) const { return (n_grains - 1) * hop_ + grain_; }
  int64_t grains_for(int64_t length) const;

  // (n_grains, grain) analysis/synthesis windows, edges flattened if asked.
  torch::Tensor windows(int64_t n_grains, const torch::Device& device = torch::kCPU) const;
  // (length_for(n)) sum of the overlapped windows; > 0 everywhere.
  torch::Tensor window_sum(int64_t n_grains, const torch::Device& device = torch::kCPU) const;

  // x: (B, T) with T == length_for(n) -> windowed grains (B, n, grain).
  torch::Tensor slice(const torch::Tensor& x) const;
  // Windows raw grains (B, n, grain), overlap-adds them and divides by the window sum,
  // giving (B, length_for(n)). overlap_add(slice-without-window) would be the identity.
  torch::Tensor overlap_add(const torch::Tensor& grains) const;

  // Plain overlap-add of grains that are already windowed, divided by the window sum:
  // overlap_add_windowed(slice(x)) == x.
  torch::Tensor overlap_add_windowed(const torch::Tensor& windowed) const;

 private:
  int64_t grain_;
  int64_t hop_;
  bool flat_edges_;
  torch::Tensor hann_;  // (grain) periodic Hann
};

}  // namespace ngsynth
