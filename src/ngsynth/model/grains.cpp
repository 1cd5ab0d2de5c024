#include "ngsynth/model/grains.h"

#include <algorithm>
#include <vector>

#include "ngsynth/util/error.h"

namespace ngsynth {
namespace F = torch::nn::functional;

GrainFraming::GrainFraming(int64_t grain, int64_t hop, bool flat_edges)
    : grain_(grain), hop_(hop), flat_edges_(flat_edges) {
  if (grain <= 0 || hop <= 0 || hop > grain) throw Error("grain framing: need 0 < hop <= grain");
  hann_ = torch::hann_window(grain, torch::TensorOptions().dtype(torch::kFloat32));  // periodic
}

int64_t GrainFraming::grains_for(int64_t length) const {
  if (length <= grain_) return 1;
  return (length - grain_ + hop_ - 1) / hop_ + 1;
}

torch::Tensor GrainFraming::windows(int64_t n, const torch::Device& device) const {
  torch::Tensor w = hann_.unsqueeze(0).repeat({n, 1});
  if (flat_edges_) {
    const int64_t half = grain_ / 2;
    w[0].narrow(0, 0, half).fill_(1.0f);
    w[n - 1].narrow(0, half, grain_ - half).fill_(1.0f);
  }
  return w.to(device);
}

torch::Tensor GrainFraming::window_sum(int64_t n, const torch::Device& device) const {
  torch::Tensor w = windows(n, device).unsqueeze(0);  // (1, n, G)
  torch::Tensor cols = w.transpose(1, 2);             // (1, G, n)
  torch::Tensor sum = F::fold(cols, F::FoldFuncOptions({1, length_for(n)}, {1, grain_})
                                        .stride({1, hop_}));
  // Without flat edges the very first sample has window sum 0; keep it finite.
  return sum.view({length_for(n)}).clamp_min(1e-8);
}

torch::Tensor GrainFraming::slice(const torch::Tensor& x) const {
  TORCH_CHECK(x.dim() == 2, "slice: expected (batch, samples)");
  const int64_t n = grains_for(x.size(1));
  TORCH_CHECK(length_for(n) == x.size(1), "slice: length ", x.size(1),
              " is not a whole number of hops past one grain");
  return x.unfold(1, grain_, hop_) * windows(n, x.device()).unsqueeze(0);
}

torch::Tensor GrainFraming::overlap_add_windowed(const torch::Tensor& windowed) const {
  TORCH_CHECK(windowed.dim() == 3 && windowed.size(2) == grain_,
              "overlap_add: expected (batch, grains, ", grain_, ")");
  const int64_t b = windowed.size(0), n = windowed.size(1), length = length_for(n);
  torch::Tensor out = F::fold(windowed.transpose(1, 2),
                              F::FoldFuncOptions({1, length}, {1, grain_}).stride({1, hop_}));
  return out.view({b, length}) / window_sum(n, windowed.device()).unsqueeze(0);
}

namespace {

// Synthesis without autograd on the CPU: windowing, overlap-add and the division by the
// window sum in one pass over the samples, without the fold's column buffers (4x faster
// for a second of audio). Same arithmetic as the differentiable path, up to summation
// order.
torch::Tensor overlap_add_direct(const torch::Tensor& grains, const torch::Tensor& hann,
                                 int64_t hop, bool flat_edges) {
  const int64_t b = grains.size(0), n = grains.size(1), g = grains.size(2);
  const int64_t length = (n - 1) * hop + g, half = g / 2;
  const float* w = hann.data_ptr<float>();
  std::vector<float> wsum(static_cast<std::size_t>(length), 0.0f);
  auto window = [&](int64_t j, int64_t k) {
    if (flat_edges && ((j == 0 && k < half) || (j == n - 1 && k >= half))) return 1.0f;
    return w[k];
  };
  for (int64_t j = 0; j < n; ++j)
    for (int64_t k = 0; k < g; ++k) wsum[j * hop + k] += window(j, k);
  for (float& v : wsum) v = 1.0f / std::max(v, 1e-8f);
  torch::Tensor out = torch::zeros({b, length});
  const float* in = grains.data_ptr<float>();
  float* o = out.data_ptr<float>();
  for (int64_t i = 0; i < b; ++i) {
    float* row = o + i * length;
    for (int64_t j = 0; j < n; ++j) {
      const float* grain = in + (i * n + j) * g;
      float* dst = row + j * hop;
      const bool edge = flat_edges && (j == 0 || j == n - 1);
      if (edge) {
        for (int64_t k = 0; k < g; ++k) dst[k] += grain[k] * window(j, k);
      } else {
        for (int64_t k = 0; k < g; ++k) dst[k] += grain[k] * w[k];
      }
    }
    for (int64_t t = 0; t < length; ++t) row[t] *= wsum[t];
  }
  return out;
}

}  // namespace

torch::Tensor GrainFraming::overlap_add(const torch::Tensor& grains) const {
  const int64_t n = grains.size(1);
  if (!torch::GradMode::is_enabled() && grains.device().is_cpu() &&
      grains.scalar_type() == torch::kFloat32 && grains.dim() == 3 && grains.size(2) == grain_)
    return overlap_add_direct(grains.contiguous(), hann_, hop_, flat_edges_);
  return overlap_add_windowed(grains * windows(n, grains.device()).unsqueeze(0));
}

}  // namespace ngsynth
