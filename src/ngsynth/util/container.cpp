#include "ngsynth/util/container.h"

#include <cstring>

#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"

namespace ngsynth {

namespace {

template <typename T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

class Cursor {
 public:
  Cursor(const std::string& bytes, const std::filesystem::path& path, const std::string& what)
      : bytes_(bytes), path_(path), what_(what) {}
  template <typename T>
  T get() {
    T value;
    std::memcpy(&value, take(sizeof value), sizeof value);
    return value;
  }
  std::string get_bytes(uint64_t n) { return std::string(take(n), n); }
  std::size_t position() const { return pos_; }

 private:
  const char* take(uint64_t n) {
    if (n > bytes_.size() - pos_) fail_file(path_, what_ + " is truncated");
    const char* p = bytes_.data() + pos_;
    pos_ += n;
    return p;
  }
  const std::string& bytes_;
  const std::filesystem::path& path_;
  const std::string& what_;
  std::size_t pos_ = 0;
};

}  // namespace

void write_container(const std::filesystem::path& path, const std::string& magic,
                     uint32_t version, const Container& c) {
  if (magic.size() != 8) throw Error("container magic must be 8 bytes");
  std::string out = magic;
  put<uint32_t>(out, version);
  const std::string header = c.header.dump(1);
  put<uint64_t>(out, header.size());
  out += header;
  put<uint32_t>(out, static_cast<uint32_t>(c.blobs.size()));
  for (const auto& blob : c.blobs) {
    put<uint64_t>(out, blob.size());
    out += blob;
  }
  put<uint64_t>(out, fnv1a64(out));
  write_file_atomically(path, out);
}

Container read_container(const std::filesystem::path& path, const std::string& magic,
                         uint32_t version, const std::string& what, uint32_t oldest) {
  const std::string bytes = read_file(path);
  if (bytes.size() < 8 || bytes.compare(0, 8, magic) != 0)
    fail_file(path, "not an ngsynth " + what);
  Cursor in(bytes, path, what);
  in.get_bytes(8);
  const auto found = in.get<uint32_t>();
  if (oldest == 0) oldest = version;
  if (found < oldest || found > version)
    fail_file(path, what + " format version " + std::to_string(found) +
                        ", this ngsynth reads version " + std::to_string(version) +
                        (oldest < version ? " and older, down to " + std::to_string(oldest) : ""));
  Container c;
  c.version = found;
  const std::string header = in.get_bytes(in.get<uint64_t>());
  const auto n_blobs = in.get<uint32_t>();
  for (uint32_t i = 0; i < n_blobs; ++i) c.blobs.push_back(in.get_bytes(in.get<uint64_t>()));
  const std::size_t body = in.position();
  const auto checksum = in.get<uint64_t>();
  if (checksum != fnv1a64(std::string_view(bytes.data(), body)))
    fail_file(path, what + " is corrupt (checksum mismatch)");
  if (in.position() != bytes.size()) fail_file(path, what + " has trailing bytes");
  c.header = nlohmann::json::parse(header, nullptr, false);
  if (c.header.is_discarded()) fail_file(path, what + " header is not valid JSON");
  return c;
}

}  // namespace ngsynth
