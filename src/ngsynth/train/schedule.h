// The training schedule as pure functions of the step, so that a resumed run continues on
// exactly the same curve: exponential learning-rate decay from lr to lr_final over
// max_steps, and the KL weight beta held at 0 for the first beta_start of the run, then
// warmed linearly to beta_max over beta_warmup of the run (Bitton et al. 2020, sec. 4).
#pragma once

#include <cstdint>

#include "ngsynth/spec/options.h"

namespace ngsynth {

double learning_rate_at(const TrainOptions& o, int64_t step);
double beta_at(const TrainOptions& o, int64_t step);

}  // namespace ngsynth
