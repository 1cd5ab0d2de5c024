#include "kit.h"

#include <algorithm>

#include "ngsynth/runtime/instrument.h"
#include "ngsynth/util/hash.h"

namespace ngsynth::drums {

Kit::Kit(std::shared_ptr<const rt::Model> model, const NoteMap& map, const KitSettings& settings)
    : model_(std::move(model)), settings_(settings) {
  rt::Instrument instrument(model_);
  const std::vector<std::string>& names = model_->classes();
  const int n = std::max<int>(1, static_cast<int>(names.size()));
  note_class_ = map.resolve(names);
  if (names.empty())  // a model without classes: every mapped note plays its one sound
    for (std::size_t k = 0; k < 128; ++k)
      note_class_[k] = static_cast<int>(k) == map.pad_note || map.classes[k].empty() ? -1 : 0;
  for (int c = 0; c < n; ++c) {
    const std::string name = names.empty() ? "perc" : names[static_cast<std::size_t>(c)];
    const auto g = std::find(kLevelGroups.begin(), kLevelGroups.end(), name);
    level_group_.push_back(g == kLevelGroups.end() ? static_cast<int>(kLevelGroups.size()) - 1
                                                   : static_cast<int>(g - kLevelGroups.begin()));
    hits_.push_back(instrument.sample_event(c, settings.seed, settings.temperature));
    max_frames_ = std::max(max_frames_, static_cast<int>(hits_.back().size()));
    auto& v = variations_.emplace_back();
    for (int k = 0; k < settings.variations; ++k) {
      v.push_back(instrument.sample_event(c, mix_seed(settings.seed, static_cast<uint64_t>(k) + 1),
                                          settings.temperature));
      max_frames_ = std::max(max_frames_, static_cast<int>(v.back().size()));
    }
  }
}

std::span<const float> Kit::variation(int class_index, int k) const {
  const auto& v = variations_[static_cast<std::size_t>(class_index)];
  if (v.empty()) return hit(class_index);
  return v[static_cast<std::size_t>(k) % v.size()];
}

}  // namespace ngsynth::drums
