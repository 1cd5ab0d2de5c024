#include "ngsynth/train/schedule.h"

#include <algorithm>
#include <cmath>

namespace ngsynth {

double learning_rate_at(const TrainOptions& o, int64_t step) {
  const double progress = std::clamp(double(step) / double(o.max_steps), 0.0, 1.0);
  return o.lr * std::pow(o.lr_final / o.lr, progress);
}

double beta_at(const TrainOptions& o, int64_t step) {
  const double progress = double(step) / double(o.max_steps);
  if (progress < o.beta_start) return 0.0;
  if (o.beta_warmup <= 0) return o.beta_max;
  return o.beta_max * std::min(1.0, (progress - o.beta_start) / o.beta_warmup);
}

}  // namespace ngsynth
