// Step timing: the frame of every step (see step_timing.h).
#include "ngsynth/live/step_timing.h"

#include <cmath>

namespace ngsynth::live {

namespace detail {

// Position (in steps, from the segment origin) of global step n with the given swing.
double step_position(int64_t rel, int step_in_loop, double swing) {
  return static_cast<double>(rel) + ((step_in_loop & 1) ? swing * 0.5 : 0.0);
}

int64_t to_frame(double position, double length) { return std::llround(position * length); }

}  // namespace detail

using namespace detail;

// ---------------------------------------------------------------- timing

double step_length(double tempo, int sample_rate) { return 60.0 * sample_rate / (4.0 * tempo); }

int64_t step_frame(double tempo, double swing, int steps, int sample_rate, int64_t loop, int step) {
  return to_frame(step_position(loop * steps + step, step, swing), step_length(tempo, sample_rate));
}

int64_t step_frame(const Pattern& p, int sample_rate, int64_t loop, int step) {
  return step_frame(p.tempo, p.swing, p.steps, sample_rate, loop, step);
}

int64_t loop_frames(const Pattern& p, int sample_rate, int64_t loops) {
  return step_frame(p, sample_rate, loops, 0);
}

}  // namespace ngsynth::live
