#include "note_map.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "ngsynth/util/error.h"

namespace ngsynth::drums {

NoteMap NoteMap::general_midi() {
  NoteMap m;
  m.classes.fill("perc");
  auto set = [&](std::initializer_list<int> notes, const char* name) {
    for (int n : notes) m.classes[static_cast<std::size_t>(n)] = name;
  };
  set({35, 36}, "kick");
  set({38, 40}, "snare");
  set({37, 39}, "clap");
  set({42, 44, 46}, "hihat");
  set({41, 43, 45, 47, 48, 50}, "tom");
  set({49, 52, 55, 57}, "crash");
  set({51, 53, 59}, "ride");
  m.pad_note = 84;  // above the GM drum notes (35..81)
  return m;
}

NoteMap NoteMap::parse(const std::string& text) {
  NoteMap m;
  m.classes.fill("");
  std::array<bool, 128> set{};
  std::string fallback;
  std::istringstream in(text);
  std::string word;
  while (in >> word) {
    const auto eq = word.find('=');
    if (eq == std::string::npos || eq == 0)
      throw Error("note map: '" + word + "': expected NOTE=CLASS, default=CLASS or pad=NOTE");
    const std::string key = word.substr(0, eq), value = word.substr(eq + 1);
    auto number = [&](const std::string& s, int lo) {
      std::size_t used = 0;
      int v = 0;
      try {
        v = std::stoi(s, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != s.size() || v < lo || v > 127)
        throw Error("note map: '" + word + "': '" + s + "' is not a MIDI note (" +
                    std::to_string(lo) + "..127)");
      return v;
    };
    if (key == "default") {
      fallback = value == "none" ? "" : value;
    } else if (key == "pad") {
      m.pad_note = number(value, -1);
    } else {
      const int note = number(key, 0);
      m.classes[static_cast<std::size_t>(note)] = value == "none" ? "" : value;
      set[static_cast<std::size_t>(note)] = true;
    }
  }
  for (std::size_t n = 0; n < 128; ++n)
    if (!set[n]) m.classes[n] = fallback;
  return m;
}

std::string NoteMap::to_string() const {
  std::map<std::string, int> count;
  for (const auto& c : classes) ++count[c];
  const std::string fallback =
      std::max_element(count.begin(), count.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
  std::ostringstream out;
  for (std::size_t n = 0; n < 128; ++n)
    if (classes[n] != fallback) out << n << '=' << (classes[n].empty() ? "none" : classes[n]) << ' ';
  out << "default=" << (fallback.empty() ? "none" : fallback) << " pad=" << pad_note;
  return out.str();
}

std::array<int, 128> NoteMap::resolve(const std::vector<std::string>& model_classes) const {
  auto index = [&](const std::string& name) {
    const auto it = std::find(model_classes.begin(), model_classes.end(), name);
    return it == model_classes.end() ? -1 : static_cast<int>(it - model_classes.begin());
  };
  const int perc = index("perc");
  std::array<int, 128> out{};
  for (std::size_t n = 0; n < 128; ++n) {
    if (static_cast<int>(n) == pad_note || classes[n].empty()) {
      out[n] = -1;
      continue;
    }
    const int i = index(classes[n]);
    out[n] = i >= 0 ? i : perc;
  }
  return out;
}

}  // namespace ngsynth::drums
