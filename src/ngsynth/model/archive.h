// LibTorch archives as byte strings, for anything with save/load(Archive&) (modules and
// optimisers), so that they can travel inside ngsynth's own checksummed containers.
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "ngsynth/util/error.h"

namespace ngsynth {

template <typename T>
std::string archive_bytes(T& object) {
  torch::serialize::OutputArchive archive;
  object.save(archive);
  std::ostringstream out;
  archive.save_to(out);
  return out.str();
}

// Throws Error("ORIGIN: WHAT do not match ...") with LibTorch's first line.
template <typename T>
void load_archive_bytes(T& object, const std::string& bytes, const torch::Device& device,
                        const std::filesystem::path& origin, const std::string& what) {
  try {
    std::istringstream in(bytes);
    torch::serialize::InputArchive archive;
    archive.load_from(in, device);
    object.load(archive);
  } catch (const c10::Error& e) {
    const std::string message = e.what_without_backtrace();
    fail_file(origin, what + " do not match the stored options: " +
                          message.substr(0, message.find('\n')));
  }
}

}  // namespace ngsynth
