#include "ngsynth/util/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "ngsynth/util/error.h"

namespace ngsynth {
namespace fs = std::filesystem;

namespace {

fs::path temporary_name(const fs::path& path) {
  return path.parent_path() /
         (path.filename().string() + ".tmp." + std::to_string(::getpid()));
}

void fsync_path(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

void write_atomically(const fs::path& path, const std::function<void(std::ostream&)>& write) {
  if (path.empty()) throw Error("empty output path");
  const fs::path parent = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  if (!fs::is_directory(parent)) fail_file(path, "folder " + parent.string() + " does not exist");
  if (fs::is_directory(path)) fail_file(path, "is a folder, expected a file name");
  const fs::path tmp = temporary_name(path);
  try {
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) fail_file(path, std::string("cannot write: ") + std::strerror(errno));
      write(out);
      out.flush();
      if (!out) fail_file(path, "write failed (disk full?)");
    }
    fsync_path(tmp);
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) fail_file(path, "cannot rename temporary file: " + ec.message());
  } catch (...) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw;
  }
}

void write_file_atomically(const fs::path& path, const std::string& bytes) {
  write_atomically(path, [&](std::ostream& out) { out.write(bytes.data(), bytes.size()); });
}

std::string read_file(const fs::path& path) {
  if (!fs::exists(path)) fail_file(path, "no such file");
  if (fs::is_directory(path)) fail_file(path, "is a folder, expected a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_file(path, std::string("cannot read: ") + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace ngsynth
