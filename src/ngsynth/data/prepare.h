// `ngsynth prepare`: turns sound libraries into a Dataset. Sources are folders whose
// subfolders name classes, or Hydrogen drumkits (a folder holding drumkit.xml, or a folder
// of such kits) whose instrument names are mapped to classes by keyword rules. Every file
// is decoded (any libsndfile format), mixed to mono, resampled, DC-removed, high-passed,
// onset-aligned, checked for silence and NaNs, and cropped or padded to the event length.
// The split comes from a hash of each file's path relative to its source root.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ngsynth/data/dataset.h"

namespace ngsynth {

struct PrepareOptions {
  int sample_rate           = 16000;
  int64_t event_length      = 11264;
  double highpass_hz        = 50.0;
  double silence_db         = -60.0;   // peak below this (dBFS) = rejected as silent
  double onset_db           = -30.0;   // onset = first sample within this of the peak
  double preroll_ms         = 1.0;     // kept before the onset
  double fade_ms            = 10.0;    // fade-out applied when cropping
  bool normalize            = true;    // scale each event's peak to peak_level
  double peak_level         = 0.9;
  double test_fraction      = 0.1;
  std::filesystem::path rules_path;    // empty = built-in default drum rules
};

struct ManifestEntry {
  std::string source;        // relative path, as in DatasetEntry
  std::string root;          // the source root it is relative to
  std::string class_name;    // empty when unknown
  std::string split;         // "train" / "test"; empty when rejected
  bool accepted = false;
  std::string reason;        // why rejected ("category: detail"), empty when accepted
  std::string path;          // the sound file on disk
  std::string instrument;    // kits: the instrument name the class was chosen from
};

struct PrepareResult {
  Dataset dataset;
  std::vector<ManifestEntry> manifest;  // every file seen, accepted or not
  PrepareOptions options;               // as used, for the manifest
  std::vector<std::string> sources;     // the source roots, as given
};

// Progress callback: (files done, files total, current file).
using PrepareProgress = std::function<void(std::size_t, std::size_t, const std::string&)>;

// Throws Error naming the culprit for missing sources, empty folders, no class found,
// malformed drumkit.xml or rules file, or when no file at all is accepted. Files that
// are unreadable, silent, empty or hold NaNs are rejected one by one (in the manifest).
PrepareResult prepare_dataset(const std::vector<std::filesystem::path>& sources,
                              const PrepareOptions& options,
                              const PrepareProgress& progress = {});

// Writes the dataset and its manifest (both atomically).
void write_prepared(const PrepareResult& result, const std::filesystem::path& dataset_path);

// The split of one file: u = splitmix64(fnv1a64(relative_path)) / 2^64 (via mix_seed,
// util/hash.h); test when u < test_fraction. Depends only on the relative path, so it is
// the same on every machine and a file keeps its split when others are added or removed.
Split split_for(std::string_view relative_path, double test_fraction);

// "silent: peak -72.1 dBFS" -> "silent"; the category used for counting rejections.
std::string reason_category(const std::string& reason);

// Throws Error naming the first invalid field.
void validate(const PrepareOptions& o);

}  // namespace ngsynth
