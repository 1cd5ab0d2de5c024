#include "ngsynth/util/staged_folder.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <sstream>
#include <system_error>

#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"

namespace ngsynth {
namespace fs = std::filesystem;

StagedFolder::StagedFolder(const fs::path& destination, const std::string& what) : what_(what) {
  if (destination.empty()) throw Error(what + ": no output folder");
  destination_ = fs::absolute(destination).lexically_normal();
  if (destination_.filename().empty()) destination_ = destination_.parent_path();  // "out/"
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(destination_, ec);
  if (fs::exists(st)) {
    if (fs::is_symlink(st))
      fail_file(destination_, "is a symbolic link; refusing to write a " + what + " there");
    if (!fs::is_directory(st)) fail_file(destination_, "exists and is not a folder");
    if (!fs::is_empty(destination_, ec) || ec)
      fail_file(destination_, "exists and is not empty; refusing to write a " + what + " into it");
  }
  const fs::path parent = destination_.parent_path();
  fs::create_directories(parent, ec);
  if (ec) fail_file(parent, "cannot create folder: " + ec.message());
  const std::string prefix = "." + destination_.filename().string();
  remove_stale_temporaries(parent, prefix);  // left by a run that was killed
  static std::atomic<uint64_t> counter{0};
  for (int attempt = 0;; ++attempt) {
    const uint64_t r = mix_seed(static_cast<uint64_t>(::getpid()) * 1000003u + counter++,
                                static_cast<uint64_t>(
                                    std::chrono::steady_clock::now().time_since_epoch().count()));
    std::ostringstream name;
    name << prefix << ".tmp." << ::getpid() << "." << std::hex << (r & 0xffffffffULL);
    const fs::path candidate = parent / name.str();
    if (fs::create_directory(candidate, ec)) {
      staging_ = candidate;
      break;
    }
    if (ec || attempt > 100)
      fail_file(candidate, "cannot create temporary folder: " + ec.message());
  }
}

StagedFolder::~StagedFolder() {
  if (committed_ || staging_.empty()) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
}

void StagedFolder::fill(const std::function<void(const fs::path&)>& write) {
  try {
    write(staging_);
  } catch (const Error& e) {
    std::string message = e.what();
    const std::string from = staging_.string(), to = destination_.string();
    for (std::size_t at = message.find(from); at != std::string::npos; at = message.find(from, at + to.size()))
      message.replace(at, from.size(), to);
    throw Error(message);
  }
}

void StagedFolder::commit() {
  std::error_code ec;
  fs::rename(staging_, destination_, ec);
  if (ec)
    fail_file(destination_, "cannot move the finished " + what_ + " into place: " + ec.message());
  committed_ = true;
}

}  // namespace ngsynth
