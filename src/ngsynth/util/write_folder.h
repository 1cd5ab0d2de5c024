// The one folder a server may write into (`ngsynth serve --write-dir`). Clients name files
// relative to it; a name that is absolute, climbs out with "..", or reaches outside through
// a symbolic link is refused, and so is any existing file that this WriteFolder did not
// write itself (a user's file, a FIFO, a device): a client can neither escape the folder
// nor destroy what was there. Files it wrote may be written again (a re-sampled track).
// Every write is atomic (util/atomic_file.h). Thread-safe.
#pragma once

#include <filesystem>
#include <functional>
#include <mutex>
#include <map>
#include <string>
#include <utility>

namespace ngsynth {

class WriteFolder {
 public:
  // `folder` must exist (Error otherwise); empty: a fresh folder under the system
  // temporary folder ("ngsynth-XXXXXX"), made when first needed and left in place.
  explicit WriteFolder(const std::filesystem::path& folder = {});

  std::filesystem::path path() const;  // absolute, canonical

  // The file `name` stands for, after the checks above; Error ("NAME: why") otherwise.
  std::filesystem::path resolve(const std::string& name) const;

  // Resolves `name`, refuses an existing file it did not write, calls write_to(path) (which
  // must write atomically, as write_wav does) and returns the path.
  std::filesystem::path write(const std::string& name,
                              const std::function<void(const std::filesystem::path&)>& write_to);

 private:
  std::filesystem::path root() const;  // under mu_
  static std::filesystem::path resolve_in(const std::filesystem::path& folder, const std::string& name);
  mutable std::filesystem::path root_;  // empty until the fresh folder is made
  mutable std::mutex mu_;
  // (device, inode) of the file each path of ours holds now.
  std::map<std::filesystem::path, std::pair<unsigned long, unsigned long>> written_;
};

}  // namespace ngsynth
