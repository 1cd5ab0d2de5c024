// The one on-disk container of ngsynth's checkpoints and model files: a magic tag, a
// format version, a JSON header, binary blobs, and a checksum over everything, so that a
// truncated, corrupt, foreign or newer file is recognised and named in a one-line error.
//
// Layout (little-endian): 8-byte magic | u32 version | u64 n | n bytes JSON header |
// u32 blob count | for each blob: u64 size, bytes | u64 FNV-1a 64 of all preceding bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ngsynth {

struct Container {
  nlohmann::json header;
  std::vector<std::string> blobs;
  uint32_t version = 0;  // the format version read

  // Blob i, or an empty string when the file holds fewer blobs.
  const std::string& blob_or_empty(std::size_t i) const {
    static const std::string none;
    return i < blobs.size() ? blobs[i] : none;
  }
};

// magic: exactly 8 characters. Written atomically.
void write_container(const std::filesystem::path& path, const std::string& magic,
                     uint32_t version, const Container& c);
// what: "model file", "checkpoint", used in error messages. Versions oldest..version are
// read (oldest 0: only `version`).
Container read_container(const std::filesystem::path& path, const std::string& magic,
                         uint32_t version, const std::string& what, uint32_t oldest = 0);

}  // namespace ngsynth
