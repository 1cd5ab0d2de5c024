#include "ngsynth/util/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
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

// The PID in NAME = PREFIX ".tmp." PID ["." ...], or 0 when NAME is not such a name. An
// empty PREFIX stands for any: the last ".tmp." in NAME is taken.
pid_t temporary_owner(const std::string& name, const std::string& prefix) {
  const std::size_t at = prefix.empty() ? name.rfind(".tmp.") : prefix.size();
  if (at == std::string::npos || name.compare(0, prefix.size(), prefix) != 0 ||
      name.compare(at, 5, ".tmp.") != 0)
    return 0;
  long long pid = 0;
  std::size_t i = at + 5;
  for (; i < name.size() && name[i] >= '0' && name[i] <= '9' && pid < (1LL << 31); ++i)
    pid = pid * 10 + (name[i] - '0');
  if (i == at + 5 || (i < name.size() && name[i] != '.') || pid >= (1LL << 31)) return 0;
  return static_cast<pid_t>(pid);
}

void fsync_path(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

void check_destination(const fs::path& path) {
  if (path.empty()) throw Error("empty output path");
  const fs::path parent = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  if (!fs::is_directory(parent)) fail_file(path, "folder " + parent.string() + " does not exist");
  if (fs::is_directory(path)) fail_file(path, "is a folder, expected a file name");
}

// Writes and fsyncs `tmp`; errors name `path`. The caller removes `tmp` on failure.
void write_temporary(const fs::path& path, const fs::path& tmp,
                     const std::function<void(std::ostream&)>& write) {
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) fail_file(path, std::string("cannot write: ") + std::strerror(errno));
    write(out);
    out.flush();
    if (!out) fail_file(path, std::string("write failed: ") + std::strerror(errno));
  }
  fsync_path(tmp);
}

void remove_quietly(const fs::path& p) {
  std::error_code ignored;
  fs::remove(p, ignored);
}

}  // namespace

void remove_stale_temporaries(const fs::path& folder, const std::string& prefix) {
  std::error_code ec;
  for (fs::directory_iterator it(folder.empty() ? fs::path(".") : folder, ec), end; !ec && it != end;
       it.increment(ec)) {
    const pid_t owner = temporary_owner(it->path().filename().string(), prefix);
    if (owner <= 0 || owner == ::getpid()) continue;
    if (::kill(owner, 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to judge)
    std::error_code ignored;
    fs::remove_all(it->path(), ignored);
  }
}

void write_atomically(const fs::path& path, const std::function<void(std::ostream&)>& write) {
  check_destination(path);
  remove_stale_temporaries(path.parent_path(), path.filename().string());
  const fs::path tmp = temporary_name(path);
  try {
    write_temporary(path, tmp, write);
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) fail_file(path, "cannot rename temporary file: " + ec.message());
  } catch (...) {
    remove_quietly(tmp);
    throw;
  }
}

void write_atomically(const std::vector<AtomicOutput>& outputs) {
  for (const auto& o : outputs) {
    check_destination(o.path);
    remove_stale_temporaries(o.path.parent_path(), o.path.filename().string());
  }
  std::vector<fs::path> tmps, backups;
  for (const auto& o : outputs) {
    tmps.push_back(temporary_name(o.path));
    backups.push_back(o.path.string() + ".old." + std::to_string(::getpid()));
  }
  const auto cleanup = [&] {
    for (const auto& t : tmps) remove_quietly(t);
    for (const auto& b : backups) remove_quietly(b);
  };
  std::size_t renamed = 0;
  try {
    for (std::size_t i = 0; i < outputs.size(); ++i)
      write_temporary(outputs[i].path, tmps[i], outputs[i].write);
    // A second name for each file about to be replaced, to put it back if need be.
    std::vector<bool> had(outputs.size(), false);
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      std::error_code ec;
      if (!fs::exists(outputs[i].path, ec)) continue;
      fs::create_hard_link(outputs[i].path, backups[i], ec);
      if (ec) fs::copy_file(outputs[i].path, backups[i], ec);
      if (ec) fail_file(outputs[i].path, "cannot keep a copy while replacing: " + ec.message());
      had[i] = true;
    }
    for (; renamed < outputs.size(); ++renamed) {
      std::error_code ec;
      fs::rename(tmps[renamed], outputs[renamed].path, ec);
      if (!ec) continue;
      for (std::size_t j = 0; j < renamed; ++j) {  // undo the ones done
        std::error_code undo;
        if (had[j]) fs::rename(backups[j], outputs[j].path, undo);
        else fs::remove(outputs[j].path, undo);
      }
      fail_file(outputs[renamed].path, "cannot rename temporary file: " + ec.message());
    }
  } catch (...) {
    cleanup();
    throw;
  }
  cleanup();
}

void write_file_atomically(const fs::path& path, const std::string& bytes) {
  write_atomically(path, [&](std::ostream& out) { out.write(bytes.data(), bytes.size()); });
}

void append_to_file(const fs::path& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (fd < 0) fail_file(path, std::string("cannot write: ") + std::strerror(errno));
  struct stat st {};
  const off_t before = ::fstat(fd, &st) == 0 ? st.st_size : -1;
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    const std::string why = n < 0 ? std::strerror(errno) : "nothing written";
    // Cut back to the old length so that the file never ends in half a line; should even
    // that fail, the error below is still the one to report.
    if (before >= 0 && ::ftruncate(fd, before) != 0) errno = 0;
    ::close(fd);
    fail_file(path, "write failed: " + why);
  }
  ::close(fd);
}

std::string read_file(const fs::path& path) {
  if (!fs::exists(path)) fail_file(path, "no such file");
  std::error_code ec;
  if (fs::is_directory(path, ec)) fail_file(path, "is a folder, expected a file");
  if (!fs::is_regular_file(path, ec)) fail_file(path, "is not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_file(path, std::string("cannot read: ") + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace ngsynth
