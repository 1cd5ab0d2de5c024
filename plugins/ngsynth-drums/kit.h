// A kit: every class's current hit and a few variations, sampled from a runtime model
// with one seed and temperature, plus the note map resolved against the model's classes.
// Built off the audio thread (it renders every sound), then immutable: the audio thread
// only reads its buffers.
//
// The hit of class c is rt::Instrument::sample_event(c, seed, temperature), exactly the
// buffer `ngsynth drums` plays for a track of class c with that seed and temperature, so a
// bounce of the same notes matches `ngsynth drums`. Variation k of class c uses the seed
// mix_seed(seed, k + 1).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "note_map.h"
#include "ngsynth/runtime/model.h"

namespace ngsynth::drums {

// The level parameters, one per class name of the General MIDI map; a model class of
// another name takes the "perc" level.
inline constexpr std::array<const char*, 8> kLevelGroups = {"kick", "snare", "clap", "hihat",
                                                            "tom",  "crash", "ride", "perc"};

struct KitSettings {
  uint64_t seed = 0;
  float temperature = 1.0f;
  int variations = 4;  // sounds per class besides the hit, played when "variation" > 0
};

class Kit {
 public:
  // Error if the model has no event level.
  Kit(std::shared_ptr<const rt::Model> model, const NoteMap& map, const KitSettings& settings);

  const rt::Model& model() const { return *model_; }
  const std::shared_ptr<const rt::Model>& model_ptr() const { return model_; }
  const KitSettings& settings() const { return settings_; }
  int sample_rate() const { return model_->grain().sample_rate; }
  int classes() const { return static_cast<int>(hits_.size()); }
  int max_frames() const { return max_frames_; }
  // -1: the note is silent.
  int note_class(int note) const { return note_class_[static_cast<std::size_t>(note & 127)]; }
  int level_group(int class_index) const { return level_group_[static_cast<std::size_t>(class_index)]; }
  std::span<const float> hit(int class_index) const { return hits_[static_cast<std::size_t>(class_index)]; }
  // Variation k (0..variations-1) of a class.
  std::span<const float> variation(int class_index, int k) const;

 private:
  std::shared_ptr<const rt::Model> model_;
  KitSettings settings_;
  std::array<int, 128> note_class_{};
  std::vector<int> level_group_;
  std::vector<std::vector<float>> hits_;
  std::vector<std::vector<std::vector<float>>> variations_;
  int max_frames_ = 1;
};

}  // namespace ngsynth::drums
