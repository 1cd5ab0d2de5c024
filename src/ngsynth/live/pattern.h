// Drum patterns: the pattern format of `ngsynth drums` and the drum machine, its JSON and
// files, the built-in beat, and the lookup of a class by name or index.
//
// Pattern (JSON, unknown keys rejected; errors name the field, track and step):
//   {"tempo": 120, "swing": 0.2, "steps": 16, "loops": 2,
//    "tracks": [{"class": "kick", "steps": [1, 0, 0, 0, 1, 0, 0, 0.5, ...],
//                "seed": 7, "temperature": 1.0, "gain": 1.0},
//               {"class": "hihat", "steps": "x.x.x.x.x.x.x.x."}]}
//   tempo  beats per minute, 20..999; a step is a sixteenth note (4 steps per beat)
//   swing  0..0.75: every odd step (1, 3, 5, ... counted from 0 within the loop) is
//          delayed by swing * half a step (0.5: by a quarter of a step; 2/3: triplet feel)
//   steps  steps per loop, 1..64 (default 16)
//   loops  loops `ngsynth drums` renders, 1..1000 (default 1)
//   tracks one per class at most: class (name, or index as an integer), steps (exactly
//          `steps` entries: numbers 0..1 = velocity, 0 = rest, true/false; or a string of
//          'x' = 1, 'o' = 0.5, '.' or '-' = rest), seed (default 0),
//          temperature (0..10, default 1), gain (0..16, default 1)
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace ngsynth::live {

struct PatternTrack {
  std::string class_name;      // a class name; a JSON integer is kept as its decimal text
  std::vector<float> steps;    // velocity per step: 0 = rest, (0, 1] = hit
  uint64_t seed = 0;
  float temperature = 1.0f;
  float gain = 1.0f;
};

struct Pattern {
  double tempo = 120.0;
  double swing = 0.0;
  int steps = 16;
  int loops = 1;
  std::vector<PatternTrack> tracks;

  // Throws Error naming the first invalid field ("pattern tracks[2] (snare): steps[5]: ...").
  void validate() const;
};

void to_json(nlohmann::json& j, const Pattern& p);
void from_json(const nlohmann::json& j, Pattern& p);  // validates; unknown keys are errors

// Reads and validates a pattern file; Error "PATH: ..." naming the culprit.
Pattern read_pattern(const std::filesystem::path& path);

// A basic beat for the classes it knows by name (kick, snare, hihat, clap, crash, perc and
// a few aliases), one empty track for every other class, tempo 120, 16 steps.
Pattern default_pattern(const std::vector<std::string>& classes);

// The class named `name_or_index` in `names` (exact name first, then a decimal index).
// Error listing the names when there is none.
int resolve_class(const std::vector<std::string>& names, const std::string& name_or_index);

namespace detail {

// The pattern's limits, which the drum machine's setters and the offline render check too.
inline constexpr double kMinTempo = 20.0, kMaxTempo = 999.0, kMaxSwing = 0.75;
inline constexpr int kMaxSteps = 64, kMaxLoops = 1000;
inline constexpr float kMaxGain = 16.0f, kMaxTemperature = 10.0f;

// A number as the error messages write it.
std::string num(double v);

// "pattern tracks[2] (snare)": the track an error names.
std::string track_label(std::size_t i, const std::string& class_name);

}  // namespace detail

}  // namespace ngsynth::live
