#include "ngsynth/kit/sfz.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "ngsynth/util/error.h"

namespace ngsynth::kit {

namespace {

// SFZ has no escaping: a comment ends at the line's end, so line breaks become spaces.
std::string one_line(const std::string& s) {
  std::string out = s;
  std::replace(out.begin(), out.end(), '\n', ' ');
  std::replace(out.begin(), out.end(), '\r', ' ');
  return out;
}

}  // namespace

std::pair<int, int> midi_velocity_range(float min_velocity, float max_velocity) {
  const int lo = std::clamp(static_cast<int>(std::lround(min_velocity * 127.0f)) + 1, 1, 127);
  const int hi = std::clamp(static_cast<int>(std::lround(max_velocity * 127.0f)), 1, 127);
  return {lo, std::max(lo, hi)};
}

std::string sfz_text(const KitDescription& kit) {
  std::ostringstream out;
  out << "// " << one_line(kit.name) << ": SFZ file of the Hydrogen drumkit beside it (drumkit.xml)\n";
  if (!kit.author.empty()) out << "// author: " << one_line(kit.author) << "\n";
  if (!kit.license.empty()) out << "// license: " << one_line(kit.license) << "\n";
  if (!kit.info.empty()) out << "// " << one_line(kit.info) << "\n";
  out << "// General MIDI drum keys (channel 10); samples play to their end.\n\n";
  out << "<global>\nloop_mode=one_shot\namp_veltrack=100\n";
  const std::vector<int> notes = instrument_notes(kit.instruments);
  for (std::size_t i = 0; i < kit.instruments.size(); ++i) {
    const KitInstrument& inst = kit.instruments[i];
    out << "\n// " << one_line(inst.name) << "\n<group>\nkey=" << notes[i] << "\n";
    // Round robin: the layers sharing one velocity range take turns, in their order.
    std::map<std::pair<int, int>, int> band_size, band_seen;
    for (const KitLayer& l : inst.layers) ++band_size[midi_velocity_range(l.min_velocity, l.max_velocity)];
    for (const KitLayer& l : inst.layers) {
      if (l.file.empty()) throw Error("kit: instrument '" + inst.name + "' has a layer without a file name");
      const auto band = midi_velocity_range(l.min_velocity, l.max_velocity);
      out << "<region> sample=" << l.file << " lovel=" << band.first << " hivel=" << band.second;
      if (inst.selection == LayerSelection::round_robin && band_size[band] > 1)
        out << " seq_length=" << band_size[band] << " seq_position=" << ++band_seen[band];
      if (l.gain != 1.0f) {
        char db[32];
        std::snprintf(db, sizeof db, "%.2f", 20.0 * std::log10(static_cast<double>(l.gain)));
        out << " volume=" << db;
      }
      out << "\n";
    }
  }
  return out.str();
}

}  // namespace ngsynth::kit
