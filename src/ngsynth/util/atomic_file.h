// Atomic file replacement: everything is written to a temporary name in the destination's
// folder and renamed over the destination only once complete, so a reader (or a run killed
// at any moment) sees either the old file or the new one, never half of one.
#pragma once

#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace ngsynth {

// Calls write(stream) on a temporary file beside `path`, flushes and fsyncs it, then
// renames it to `path`. On any failure the temporary is removed and an Error naming
// `path` is thrown; an existing file at `path` is left untouched.
void write_atomically(const std::filesystem::path& path,
                      const std::function<void(std::ostream&)>& write);

// One file of a set written together.
struct AtomicOutput {
  std::filesystem::path path;
  std::function<void(std::ostream&)> write;
};

// Writes files that belong together (a dataset and its manifest): every one to a temporary
// name first, and only once all are complete are they renamed into place; should a rename
// fail, the files already replaced are put back. So either every destination holds its new
// content, or each is left as it was (absent ones stay absent).
void write_atomically(const std::vector<AtomicOutput>& outputs);

// Convenience for text and small binary payloads.
void write_file_atomically(const std::filesystem::path& path, const std::string& bytes);

// Appends `text` to `path` (created if absent). Should the write fail (a full disk), the
// file is cut back to its previous length, so it never ends in half a line, and an Error
// naming `path` is thrown.
void append_to_file(const std::filesystem::path& path, const std::string& text);

// Temporaries of a run that was killed: removes the entries of `folder` named
// `prefix` + ".tmp." + PID (optionally followed by "." and more) whose process no longer
// exists; an empty `prefix` stands for any name. Temporaries of live processes, this one
// included, are left alone. Every atomic write and staged folder calls it for its own
// destination, and a resumed training run for its whole folder, so nothing a kill left
// behind outlives the next write of the same name.
void remove_stale_temporaries(const std::filesystem::path& folder, const std::string& prefix);

// Reads a whole regular file; throws Error("PATH: ...") when it is missing, not a regular
// file (a FIFO would block, a device never end), or cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace ngsynth
