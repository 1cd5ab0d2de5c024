// What the fuzz targets share: a private scratch folder (under $TMPDIR, removed at exit)
// and writing one input to a file there, for parsers that read files. A parser may reject
// an input with ngsynth::Error (a one-line message); any other exception escapes and
// libFuzzer reports it as a crash, as it does for sanitizer findings.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace ngsynth::fuzz {

inline const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/ngsynth-fuzz-XXXXXX";
    if (!::mkdtemp(pattern.data())) std::abort();
    static const std::string keep = pattern;
    std::atexit([] { std::error_code ec; std::filesystem::remove_all(keep, ec); });
    return std::filesystem::path(pattern);
  }();
  return dir;
}

inline std::filesystem::path write_input(const std::string& name, const uint8_t* data, size_t size) {
  const std::filesystem::path p = scratch() / name;
  std::ofstream(p, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return p;
}

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace ngsynth::fuzz
