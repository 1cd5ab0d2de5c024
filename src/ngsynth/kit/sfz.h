// The SFZ file of a kit (sfzformat.com, SFZ v1 opcodes only, so that every SFZ player reads
// it): one <group> per instrument on its General MIDI drum key (key=N), one <region> per
// layer with sample= (the file beside the .sfz), lovel/hivel from the layer's velocity
// range (v in [0, 1] -> MIDI round(v * 127), the lower bound + 1 but at least 1, so adjacent
// ranges do not overlap), and volume= in dB when its gain is not 1. Round-robin
// instruments put the layers sharing a velocity range in sequence: seq_length=K on each
// of their regions, seq_position=1..K. Drum samples play to their end (loop_mode=one_shot).
#pragma once

#include <string>

#include "ngsynth/kit/kit_writer.h"

namespace ngsynth::kit {

// The SFZ text of a kit whose layer files are named (Error otherwise).
std::string sfz_text(const KitDescription& kit);

// The MIDI velocity range (lovel, hivel) of a velocity range in [0, 1].
std::pair<int, int> midi_velocity_range(float min_velocity, float max_velocity);

}  // namespace ngsynth::kit
