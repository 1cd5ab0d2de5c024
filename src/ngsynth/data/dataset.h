// A prepared corpus: fixed-length mono events at one sample rate, with classes and a
// deterministic train/test split, stored in one binary file that loads with a single read.
//
// File layout (little-endian):
//   8 bytes  magic "NGSDATA1"
//   u32      format version (kDatasetVersion)
//   u64      header length H
//   H bytes  JSON header: {sample_rate, event_length, classes[], entries[{source, class,
//            split}], created_by}
//   u64      sample count N (= entries * event_length)
//   N * f32  samples, event after event, in entry order
//   u64      FNV-1a 64 checksum of everything above
#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace ngsynth {

inline constexpr uint32_t kDatasetVersion = 1;

enum class Split { train, test };
const char* split_name(Split s);

struct DatasetEntry {
  std::string source;   // path relative to its source root (kit/file.flac or class/file.wav)
  int class_index = 0;  // into Dataset::classes
  Split split = Split::train;
};

struct Dataset {
  int sample_rate = 0;
  int64_t event_length = 0;
  std::vector<std::string> classes;
  std::vector<DatasetEntry> entries;
  std::vector<float> samples;  // entries.size() * event_length

  const float* event(std::size_t i) const { return samples.data() + i * event_length; }
  std::vector<std::size_t> indices(Split s) const;  // entries of one split, in order
};

// Throws Error for an empty class name or one listed twice.
void check_class_names(const std::vector<std::string>& classes);

// Writes atomically (temporary name, then rename). Throws Error naming the path for an
// inconsistent dataset: sizes, class indices, class names, a NaN or infinite sample.
void save_dataset(const Dataset& d, const std::filesystem::path& path);
// The file's bytes to a stream, with the same checks (errors name `path`).
void write_dataset(const Dataset& d, const std::filesystem::path& path, std::ostream& out);
// Throws Error naming the path for a missing, truncated, corrupt or foreign file, empty or
// duplicate class names, and NaN or infinite samples (naming the event and its source).
Dataset load_dataset(const std::filesystem::path& path);

// The manifest written beside a dataset: "corpus.ngd" -> "corpus.manifest.json".
std::filesystem::path manifest_path(const std::filesystem::path& dataset_path);

}  // namespace ngsynth
