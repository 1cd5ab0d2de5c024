// Step timing of the drum machine: the frame each step of a pattern starts at (pure
// functions, used by the sequencer, the offline render and the tests).
//
// Step timing (sample-exact, the same in the offline render and live). With
// L = 60 * sample_rate / (4 * tempo) frames per step (a double), step s of loop l starts
//   frame(l, s) = llround((l * steps + s + (s odd ? swing / 2 : 0)) * L)
// frames after the loop origin: the position in steps is computed in double precision,
// multiplied by L and rounded to the nearest frame, halves away from zero (std::llround).
// No error accumulates: every frame is computed from the origin, not from the previous one.
#pragma once

#include <cstdint>

#include "ngsynth/live/pattern.h"

namespace ngsynth::live {

// Frames per step: 60 * sample_rate / (4 * tempo).
double step_length(double tempo, int sample_rate);
// Frame of step `step` of loop `loop` after the loop origin.
int64_t step_frame(double tempo, double swing, int steps, int sample_rate, int64_t loop, int step);
int64_t step_frame(const Pattern& p, int sample_rate, int64_t loop, int step);
// Length of `loops` loops in frames: the frame of step 0 of loop `loops`.
int64_t loop_frames(const Pattern& p, int sample_rate, int64_t loops = 1);

namespace detail {

// Position (in steps, from the segment origin) of global step n with the given swing.
double step_position(int64_t rel, int step_in_loop, double swing);

// `position` steps of `length` frames, rounded to the nearest frame (std::llround).
int64_t to_frame(double position, double length);

}  // namespace detail

}  // namespace ngsynth::live
