// Files this folder wrote are recognised by path and by the device and inode the path held
// after the write: a name alone would let a client overwrite a file that replaced one of
// ours (inode numbers alone are reused as soon as a file is replaced).
#include "ngsynth/util/write_folder.h"

#include <sys/stat.h>

#include <cstdlib>
#include <vector>

#include "ngsynth/util/error.h"

namespace ngsynth {
namespace fs = std::filesystem;

namespace {

fs::path fresh_temporary_folder() {
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string pattern = (base / "ngsynth-XXXXXX").string();
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) fail_file(pattern, "cannot create a temporary folder");
  return fs::path(buf.data());
}

[[noreturn]] void refuse(const std::string& name, const std::string& why) {
  throw Error("'" + name + "': " + why);
}

}  // namespace

WriteFolder::WriteFolder(const fs::path& folder) {
  if (folder.empty()) return;
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) fail_file(folder, "write folder does not exist or is not a folder");
  root_ = fs::canonical(folder, ec);
  if (ec) fail_file(folder, "cannot resolve the write folder: " + ec.message());
}

fs::path WriteFolder::root() const {
  if (root_.empty()) root_ = fs::canonical(fresh_temporary_folder());
  return root_;
}

fs::path WriteFolder::path() const {
  std::lock_guard lk(mu_);
  return root();
}

fs::path WriteFolder::resolve(const std::string& name) const {
  std::lock_guard lk(mu_);
  return resolve_in(root(), name);
}

fs::path WriteFolder::resolve_in(const fs::path& folder, const std::string& name) {
  if (name.empty()) refuse(name, "empty file name");
  if (name.find('\0') != std::string::npos) refuse(name, "file name holds a NUL byte");
  const fs::path rel(name);
  if (rel.is_absolute())
    refuse(name, "absolute path; names are relative to the write folder " + folder.string());
  for (const auto& part : rel)
    if (part == "..") refuse(name, "leaves the write folder " + folder.string() + " ('..')");
  const fs::path target = (folder / rel).lexically_normal();
  if (!target.has_filename()) refuse(name, "names a folder, expected a file name");
  std::error_code ec;
  const fs::path parent = fs::weakly_canonical(target.parent_path(), ec);
  const fs::path inside = parent.lexically_relative(folder);
  if (ec || inside.empty() || *inside.begin() == "..")
    refuse(name, "leaves the write folder " + folder.string());
  if (!fs::is_directory(parent, ec)) refuse(name, "folder " + parent.string() + " does not exist");
  return parent / target.filename();
}

fs::path WriteFolder::write(const std::string& name,
                            const std::function<void(const fs::path&)>& write_to) {
  std::lock_guard lk(mu_);
  const fs::path target = resolve_in(root(), name);
  struct stat st{};
  if (::lstat(target.c_str(), &st) == 0) {
    const auto ours = written_.find(target);
    if (!S_ISREG(st.st_mode) || ours == written_.end() ||
        ours->second != std::pair<unsigned long, unsigned long>(st.st_dev, st.st_ino))
      refuse(name, "exists and was not written by this server; refusing to replace it");
  }
  write_to(target);
  if (::lstat(target.c_str(), &st) == 0) written_[target] = {st.st_dev, st.st_ino};
  return target;
}

}  // namespace ngsynth
