// Writing drum kits: a folder of sample files with a Hydrogen 1.2 drumkit.xml (the schema
// of /usr/share/hydrogen/data/xsd/drumkit.xsd: componentList, one instrument per class,
// each with an instrumentComponent holding its layers) and an SFZ file of the same samples
// (kit/sfz.h). The reader of such kits is data/hydrogen_kit.h; the web page's zip download
// (serve/kit_archive.h) builds its drumkit.xml here too.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ngsynth::kit {

// One sample of an instrument, played for note velocities in [min_velocity, max_velocity]
// (Hydrogen's velocity scale, 0..1; the SFZ file maps it onto MIDI 1..127).
struct KitLayer {
  std::string file;           // file name in the kit folder; empty: write_kit names it
  std::vector<float> audio;   // mono samples at the kit's sample rate
  float min_velocity = 0.0f;
  float max_velocity = 1.0f;
  float gain = 1.0f;
};

// How a player picks among the layers whose velocity range holds a note's velocity.
enum class LayerSelection {
  velocity,     // the layers' ranges partition 0..1: one layer per velocity
  round_robin,  // several layers share a range and take turns
};

struct KitInstrument {
  std::string name;
  std::vector<KitLayer> layers;
  int midi_note = -1;  // General MIDI drum note; -1: from the name (gm_drum_note)
  LayerSelection selection = LayerSelection::velocity;
};

struct KitDescription {
  std::string name;
  std::string author = "ngsynth";
  std::string info;
  std::string license;
  int sample_rate = 0;
  std::string format = "wav";         // sample files: "wav" or "flac"
  std::string sample_format = "pcm24"; // "pcm16", "pcm24" (or "float", WAV only)
  std::vector<KitInstrument> instruments;
};

// The General MIDI percussion note (key map, channel 10) for a drum class name: kick 36,
// snare 38, clap 39, hihat 42, tom 45 (low/mid/high tom 41/47/50, floor 43), crash 49,
// ride 51, rim 37, cowbell 56, tambourine 54, shaker 70, perc 60 (hi bongo) ...; -1 when the
// name means nothing to the map.
int gm_drum_note(const std::string& class_name);

// The notes of every instrument: its midi_note when set, else gm_drum_note, and where that
// is unknown or already taken, the next free note from 60 upwards (then downwards from 59),
// so every instrument has its own key.
std::vector<int> instrument_notes(const std::vector<KitInstrument>& instruments);

// A file-name stem from a class name: ASCII letters and digits kept (lower-cased), every
// other run of characters turned into one '_', trimmed; "sound" when nothing is left.
std::string safe_file_stem(const std::string& name);

// The drumkit.xml text (Hydrogen 1.2) of a kit; layer files as named in `kit` (empty names
// are an Error: call name_files first). Checks nothing else.
std::string drumkit_xml(const KitDescription& kit);

// Fills in empty layer file names: STEM-N.EXT (STEM from safe_file_stem of the instrument,
// made unique among instruments with a -2, -3 ... suffix; N counts the layers from 1).
void name_files(KitDescription& kit);

// Checks a kit before writing: a non-empty name, a sample rate > 0, a known format, at
// least one instrument; instrument names non-empty and distinct (ignoring case: they name
// files and Hydrogen looks them up by name); every instrument has a layer with samples;
// velocity ranges inside [0, 1] with min <= max; file names plain (ASCII letters, digits,
// '.', '_', '-'; not hidden: no folder, nothing SFZ would misread), ending in .wav or .flac
// as `format` says, distinct. Throws Error naming the culprit.
void check_kit(const KitDescription& kit);

// Writes the kit into `folder`: every sample file, drumkit.xml and SFZ_NAME.sfz (SFZ_NAME:
// safe_file_stem of the kit name). Everything is written into a temporary folder beside
// `folder` first and renamed into place at the end, so `folder` either appears complete or
// not at all; the temporary is removed on any error. Refuses (Error naming it) a `folder`
// that exists and is not an empty folder; its parent folders are created. File names are
// filled in as name_files does. Returns the kit as written (with its file names).
KitDescription write_kit(const std::filesystem::path& folder, KitDescription kit);

// The SFZ file name write_kit uses for a kit.
std::string sfz_file_name(const KitDescription& kit);

}  // namespace ngsynth::kit
