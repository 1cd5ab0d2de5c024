// Errors with context. Offline code throws ngsynth::Error whose message names the culprit
// (file, field, value) in one line; programs print it and exit non-zero.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace ngsynth {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "PATH: what" — the shape of every file-related error message.
[[noreturn]] void fail_file(const std::filesystem::path& path, const std::string& what);

}  // namespace ngsynth
