// Atomic file replacement: everything is written to a temporary name in the destination's
// folder and renamed over the destination only once complete, so a reader (or a run killed
// at any moment) sees either the old file or the new one, never half of one.
#pragma once

#include <filesystem>
#include <functional>
#include <ostream>
#include <string>

namespace ngsynth {

// Calls write(stream) on a temporary file beside `path`, flushes and fsyncs it, then
// renames it to `path`. On any failure the temporary is removed and an Error naming
// `path` is thrown; an existing file at `path` is left untouched.
void write_atomically(const std::filesystem::path& path,
                      const std::function<void(std::ostream&)>& write);

// Convenience for text and small binary payloads.
void write_file_atomically(const std::filesystem::path& path, const std::string& bytes);

// Reads a whole file; throws Error("PATH: cannot read ...") on failure.
std::string read_file(const std::filesystem::path& path);

}  // namespace ngsynth
