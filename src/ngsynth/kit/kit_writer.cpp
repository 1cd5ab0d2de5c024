#include "ngsynth/kit/kit_writer.h"

#include "ngsynth/util/staged_folder.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <system_error>
#include <pugixml.hpp>

#include "ngsynth/audio/audio_file.h"
#include "ngsynth/data/hydrogen_kit.h"
#include "ngsynth/kit/sfz.h"
#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"

namespace ngsynth::kit {
namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// Shortest text that reads back as the same float ("1", "0.33333334").
std::string number(float v) {
  std::array<char, 32> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), r.ptr);
}

void text(pugi::xml_node parent, const char* name, const std::string& value) {
  parent.append_child(name).text().set(value.c_str());
}
void text(pugi::xml_node parent, const char* name, const char* value) {
  parent.append_child(name).text().set(value);
}

const char* extension(const std::string& format) { return format == "flac" ? ".flac" : ".wav"; }

}  // namespace

int gm_drum_note(const std::string& class_name) {
  // Words of the name, lower-cased: "Low Tom" -> {"low", "tom"}; "hihat_open" -> {"hihat", "open"}.
  std::vector<std::string> words;
  std::string w;
  for (char c : lower(class_name) + " ") {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      w += c;
    } else if (!w.empty()) {
      words.push_back(w);
      w.clear();
    }
  }
  const auto has = [&](std::initializer_list<const char*> keys) {
    for (const auto& word : words)
      for (const char* k : keys)
        if (word == k) return true;
    return false;
  };
  const bool open = has({"open", "ohh"}), pedal = has({"pedal", "foot", "phh"});
  const bool low = has({"low", "lo"}), high = has({"high", "hi"}), mid = has({"mid", "middle"});
  if (has({"kick", "bd", "bass", "bassdrum", "kik"})) return 36;
  if (has({"rim", "rimshot", "stick", "sidestick"})) return 37;
  if (has({"snare", "sd"})) return 38;
  if (has({"clap", "handclap", "snap"})) return 39;
  if (has({"hihat", "hat", "hh", "ohh", "chh", "phh"})) return open ? 46 : pedal ? 44 : 42;
  if (has({"floor"})) return 43;
  if (has({"tom"})) return low ? 41 : high ? 50 : mid ? 47 : 45;
  if (has({"crash", "cymbal", "splash", "china"})) return has({"china"}) ? 52 : has({"splash"}) ? 55 : 49;
  if (has({"ride"})) return has({"bell"}) ? 53 : 51;
  if (has({"bell"})) return 53;
  if (has({"tambourine", "tamb"})) return 54;
  if (has({"cowbell"})) return 56;
  if (has({"bongo"})) return low ? 61 : 60;
  if (has({"conga"})) return low ? 64 : 63;
  if (has({"timbale"})) return low ? 66 : 65;
  if (has({"agogo"})) return low ? 68 : 67;
  if (has({"cabasa"})) return 69;
  if (has({"shaker", "maraca", "maracas"})) return 70;
  if (has({"clave", "claves"})) return 75;
  if (has({"woodblock", "block"})) return low ? 77 : 76;
  if (has({"triangle"})) return open ? 81 : 80;
  if (has({"perc", "percussion"})) return 60;
  return -1;
}

std::vector<int> instrument_notes(const std::vector<KitInstrument>& instruments) {
  std::vector<int> notes;
  std::set<int> taken;
  for (const auto& inst : instruments) {
    int n = inst.midi_note >= 0 && inst.midi_note <= 127 ? inst.midi_note : gm_drum_note(inst.name);
    if (n < 0 || taken.count(n)) {
      n = -1;
      for (int k = 60; k <= 127 && n < 0; ++k)
        if (!taken.count(k)) n = k;
      for (int k = 59; k >= 0 && n < 0; --k)
        if (!taken.count(k)) n = k;
      if (n < 0) throw Error("kit: more than 128 instruments, no MIDI note left");
    }
    taken.insert(n);
    notes.push_back(n);
  }
  return notes;
}

std::string safe_file_stem(const std::string& name) {
  std::string out;
  bool gap = false;
  for (char c : name) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (keep) {
      if (gap && !out.empty()) out += '_';
      out += lower(std::string(1, c));
      gap = false;
    } else {
      gap = true;
    }
  }
  return out.empty() ? "sound" : out;
}

std::string sfz_file_name(const KitDescription& kit) { return safe_file_stem(kit.name) + ".sfz"; }

std::string drumkit_xml(const KitDescription& kit) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto root = doc.append_child("drumkit_info");
  root.append_attribute("xmlns:xsi") = "http://www.w3.org/2001/XMLSchema-instance";
  root.append_attribute("xmlns") = "http://www.hydrogen-music.org/drumkit";
  text(root, "name", kit.name);
  text(root, "author", kit.author);
  text(root, "info", kit.info);
  text(root, "license", kit.license);
  text(root, "image", "");
  text(root, "imageLicense", "");
  auto component = root.append_child("componentList").append_child("drumkitComponent");
  text(component, "id", "0");
  text(component, "name", "Main");
  text(component, "volume", "1");
  auto list = root.append_child("instrumentList");
  const std::vector<int> notes = instrument_notes(kit.instruments);
  for (std::size_t i = 0; i < kit.instruments.size(); ++i) {
    const KitInstrument& inst = kit.instruments[i];
    auto x = list.append_child("instrument");
    // The order of Hydrogen 1.2's drumkit.xsd (a sequence: order matters).
    text(x, "id", std::to_string(i));
    text(x, "name", inst.name);
    text(x, "volume", "1");
    text(x, "isMuted", "false");
    text(x, "isSoloed", "false");
    text(x, "pan", "0");
    text(x, "pitchOffset", "0");
    text(x, "randomPitchFactor", "0");
    text(x, "gain", "1");
    text(x, "applyVelocity", "true");
    text(x, "filterActive", "false");
    text(x, "filterCutoff", "1");
    text(x, "filterResonance", "0");
    text(x, "Attack", "0");
    text(x, "Decay", "0");
    text(x, "Sustain", "1");
    text(x, "Release", "1000");
    text(x, "muteGroup", "-1");
    text(x, "midiOutChannel", "-1");
    text(x, "midiOutNote", std::to_string(notes[i]));
    text(x, "isStopNote", "false");
    text(x, "sampleSelectionAlgo",
         inst.selection == LayerSelection::round_robin ? "ROUND_ROBIN" : "VELOCITY");
    text(x, "isHihat", "-1");
    text(x, "lower_cc", "0");
    text(x, "higher_cc", "127");
    for (const char* fx : {"FX1Level", "FX2Level", "FX3Level", "FX4Level"}) text(x, fx, "0");
    auto comp = x.append_child("instrumentComponent");
    text(comp, "component_id", "0");
    text(comp, "gain", "1");
    for (const KitLayer& layer : inst.layers) {
      if (layer.file.empty()) throw Error("kit: instrument '" + inst.name + "' has a layer without a file name");
      auto l = comp.append_child("layer");
      text(l, "filename", layer.file);
      text(l, "min", number(layer.min_velocity));
      text(l, "max", number(layer.max_velocity));
      text(l, "gain", number(layer.gain));
      text(l, "pitch", "0");
    }
  }
  std::ostringstream out;
  doc.save(out, " ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

void name_files(KitDescription& kit) {
  std::set<std::string> stems;
  for (KitInstrument& inst : kit.instruments) {
    const std::string base = safe_file_stem(inst.name);
    std::string stem = base;
    for (int k = 2; stems.count(stem); ++k) stem = base + "-" + std::to_string(k);
    stems.insert(stem);
    for (std::size_t l = 0; l < inst.layers.size(); ++l)
      if (inst.layers[l].file.empty())
        inst.layers[l].file = stem + "-" + std::to_string(l + 1) + extension(kit.format);
  }
}

void check_kit(const KitDescription& kit) {
  if (kit.name.empty()) throw Error("kit: the kit has no name");
  if (kit.sample_rate < 1) throw Error("kit: invalid sample rate " + std::to_string(kit.sample_rate));
  if (kit.format != "wav" && kit.format != "flac")
    throw Error("kit: unknown sample file format '" + kit.format + "' (valid: wav, flac)");
  const auto& wav = wav_formats();
  if (std::find(wav.begin(), wav.end(), kit.sample_format) == wav.end() ||
      (kit.format == "flac" && kit.sample_format == "float"))
    throw Error("kit: sample format '" + kit.sample_format + "' cannot be written as " + kit.format);
  if (kit.instruments.empty()) throw Error("kit: no instruments");
  std::map<std::string, std::string> names;  // lower-cased -> as given
  std::set<std::string> files;
  const std::string ext = extension(kit.format);
  for (const KitInstrument& inst : kit.instruments) {
    if (inst.name.empty()) throw Error("kit: an instrument (class) has an empty name");
    const auto [it, fresh] = names.emplace(lower(inst.name), inst.name);
    if (!fresh)
      throw Error("kit: duplicate instrument (class) name '" + inst.name + "'" +
                  (it->second != inst.name ? " (same as '" + it->second + "' but for case)" : ""));
    if (inst.layers.empty()) throw Error("kit: instrument '" + inst.name + "' has no layers");
    for (const KitLayer& layer : inst.layers) {
      const std::string where = "kit: instrument '" + inst.name + "', layer '" + layer.file + "': ";
      if (layer.audio.empty()) throw Error(where + "no samples");
      if (!(layer.min_velocity >= 0.0f && layer.max_velocity <= 1.0f &&
            layer.min_velocity <= layer.max_velocity))
        throw Error(where + "velocity range [" + number(layer.min_velocity) + ", " +
                    number(layer.max_velocity) + "] is not inside [0, 1]");
      if (!(std::isfinite(layer.gain) && layer.gain > 0.0f)) throw Error(where + "gain must be > 0");
      const std::string& f = layer.file;
      // SFZ has no quoting (a space or '=' would end the opcode), so: letters, digits, . _ -
      const bool plain = !f.empty() && f.front() != '.' &&
                         std::all_of(f.begin(), f.end(), [](char c) {
                           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                  (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
                         });
      if (!plain)
        throw Error(where + "a file name must be a plain, non-hidden name in the kit folder "
                    "(letters, digits, '.', '_', '-')");
      if (f.size() <= ext.size() || lower(f.substr(f.size() - ext.size())) != ext)
        throw Error(where + "the file name must end in " + ext + " (format " + kit.format + ")");
      if (!files.insert(lower(f)).second) throw Error(where + "two layers share this file name");
    }
  }
}

KitDescription write_kit(const fs::path& folder, KitDescription kit) {
  StagedFolder staged(folder, "kit");  // refuses a non-empty destination before any work
  name_files(kit);
  check_kit(kit);
  staged.fill([&](const fs::path& tmp) {
    for (const KitInstrument& inst : kit.instruments)
      for (const KitLayer& layer : inst.layers) {
        if (kit.format == "flac")
          write_flac(tmp / layer.file, layer.audio, kit.sample_rate, kit.sample_format);
        else
          write_wav(tmp / layer.file, layer.audio, kit.sample_rate, kit.sample_format);
      }
    write_file_atomically(tmp / kDrumkitXml, drumkit_xml(kit));
    write_file_atomically(tmp / sfz_file_name(kit), sfz_text(kit));
  });
  staged.commit();
  return kit;
}

}  // namespace ngsynth::kit
