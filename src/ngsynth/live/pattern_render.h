// The offline render of a pattern (`ngsynth drums`, the demo): its loops played through a
// DrumMachine into the engine's offline rendering, and what becomes of the ringing tail.
#pragma once

#include <vector>

#include "ngsynth/live/drum_machine.h"

namespace ngsynth::live {

// How the offline render treats the sound that rings past the last loop.
enum class LoopTail {
  wrap,    // added onto the start: a seamless loop of exactly loops * loop length frames
  append,  // kept after the loops
  cut,     // dropped
};

// Renders `loops` loops of the pattern with the engine's offline rendering (no voice is
// stolen: the voice count is the pattern's largest overlap). Error if loops < 1 or the
// pattern is invalid for the instrument.
std::vector<float> render_pattern(const Pattern& pattern, Instrument& instrument, int loops,
                                  LoopTail tail = LoopTail::wrap);

}  // namespace ngsynth::live
