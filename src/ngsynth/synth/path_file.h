// Latent paths written by hand or by another program: a list of keyframe points that a
// generative process travels through. Each point is either a grain latent (z_dim numbers)
// or a point of the latent map's PCA plane (2 numbers); both kinds may be mixed in one
// file. Two formats:
//   CSV  one point per line, numbers separated by commas and/or spaces/tabs; blank lines
//        and lines starting with '#' are skipped, and so is a header on line 1 (a line
//        whose first field is not a number).
//   JSON [[x, y], [z1, ..., zN], ...] or {"points": [[...], ...]} (other keys ignored).
// Every error names the place: "ORIGIN:LINE: what", LINE 1-based.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ngsynth {

// The most keyframes a file may hold (at one grain hop each, 26 minutes of audio at the
// fast preset), and the largest file read; more is an error, not minutes of work.
inline constexpr std::size_t kMaxPathPoints = 100000;
inline constexpr std::uintmax_t kMaxPathFileBytes = 64u << 20;

struct PathFile {
  std::vector<std::vector<float>> points;  // each of 2 or z_dim finite numbers
  std::vector<int> lines;                  // 1-based source line of each point
};

// Format by extension: .json, or .csv / .txt; any other extension is sniffed (first
// non-blank character '[' or '{' = JSON, else CSV). Missing, unreadable or oversized
// file: Error "PATH: ...".
PathFile read_path_file(const std::filesystem::path& path, int z_dim);
// `origin` names the text in error messages (usually the file's path).
PathFile parse_path_csv(const std::string& text, int z_dim, const std::string& origin);
PathFile parse_path_json(const std::string& text, int z_dim, const std::string& origin);

}  // namespace ngsynth
