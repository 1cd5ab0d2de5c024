#include "ngsynth/eval/metrics.h"

#include "ngsynth/model/spectral.h"

namespace ngsynth {

ItemMetrics item_metrics(const torch::Tensor& target, const torch::Tensor& estimate,
                         const GrainOptions& o) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> mss;
  for (int64_t i = 0; i < target.size(0); ++i) {
    auto d = multiscale_spectral_distance(target.narrow(0, i, 1), estimate.narrow(0, i, 1),
                                          o.stft_scales, o.log_weight, o.log_eps);
    mss.push_back(d.total.cpu());
  }
  return {torch::stack(mss), log_spectral_distance(target, estimate, o.grain).cpu()};
}

}  // namespace ngsynth
