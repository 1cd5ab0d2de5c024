// The dataset file (layout in dataset.h). Saving streams the samples through the checksum
// instead of building the file in memory; loading reads the whole file at once, checks
// its structure and checksum before believing any length in it, then copies the samples.
#include "ngsynth/data/dataset.h"

#include <bit>
#include <cstring>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"

namespace ngsynth {
namespace fs = std::filesystem;
using nlohmann::json;

// Samples are copied as raw bytes, which is little-endian only on a little-endian host.
static_assert(std::endian::native == std::endian::little,
              "dataset I/O assumes a little-endian host");

namespace {

constexpr std::string_view kMagic = "NGSDATA1";
constexpr const char* kCreatedBy = "ngsynth 0.1.0";
// Magic, version, header length; then sample count; then checksum.
constexpr std::size_t kFixedBytes = 8 + 4 + 8 + 8 + 8;

// Writes and hashes at once.
class HashingWriter {
 public:
  explicit HashingWriter(std::ostream& out) : out_(out) {}
  void bytes(const void* data, std::size_t n) {
    out_.write(static_cast<const char*>(data), static_cast<std::streamsize>(n));
    hash_ = fnv1a64(data, n, hash_);
  }
  template <typename T>
  void value(T v) { bytes(&v, sizeof v); }
  uint64_t hash() const { return hash_; }

 private:
  std::ostream& out_;
  uint64_t hash_ = fnv1a64(nullptr, 0);
};

void check_consistent(const Dataset& d, const fs::path& path) {
  if (d.sample_rate < 1) fail_file(path, "cannot save: sample_rate must be > 0");
  if (d.event_length < 1) fail_file(path, "cannot save: event_length must be > 0");
  if (d.samples.size() != d.entries.size() * static_cast<std::size_t>(d.event_length))
    fail_file(path, "cannot save: " + std::to_string(d.samples.size()) + " samples for " +
                        std::to_string(d.entries.size()) + " entries of " +
                        std::to_string(d.event_length));
  for (const auto& e : d.entries)
    if (e.class_index < 0 || e.class_index >= static_cast<int>(d.classes.size()))
      fail_file(path, "cannot save: entry " + e.source + " has class index " +
                          std::to_string(e.class_index) + " but there are " +
                          std::to_string(d.classes.size()) + " classes");
}

std::string header_json(const Dataset& d) {
  json entries = json::array();
  for (const auto& e : d.entries)
    entries.push_back({{"source", e.source}, {"class", e.class_index}, {"split", split_name(e.split)}});
  json h = {{"sample_rate", d.sample_rate}, {"event_length", d.event_length},
            {"classes", d.classes},         {"entries", entries},
            {"created_by", kCreatedBy}};
  return h.dump();
}

// Bounds-checked little-endian reads over the loaded bytes.
class Reader {
 public:
  Reader(std::string_view bytes, const fs::path& path) : bytes_(bytes), path_(path) {}
  template <typename T>
  T value() {
    T v;
    std::memcpy(&v, take(sizeof v).data(), sizeof v);
    return v;
  }
  std::string_view take(std::size_t n) {
    if (n > bytes_.size() - pos_)
      fail_file(path_, "truncated dataset file (" + std::to_string(bytes_.size()) + " bytes)");
    std::string_view s = bytes_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::size_t pos() const { return pos_; }

 private:
  std::string_view bytes_;
  const fs::path& path_;
  std::size_t pos_ = 0;
};

Split parse_split(const std::string& s, const fs::path& path) {
  if (s == "train") return Split::train;
  if (s == "test") return Split::test;
  fail_file(path, "corrupt header: unknown split '" + s + "'");
}

void parse_header(std::string_view text, Dataset& d, const fs::path& path) {
  try {
    const json h = json::parse(text);
    d.sample_rate = h.at("sample_rate").get<int>();
    d.event_length = h.at("event_length").get<int64_t>();
    d.classes = h.at("classes").get<std::vector<std::string>>();
    for (const auto& e : h.at("entries"))
      d.entries.push_back({e.at("source").get<std::string>(), e.at("class").get<int>(),
                           parse_split(e.at("split").get<std::string>(), path)});
  } catch (const json::exception& e) {
    fail_file(path, std::string("corrupt header: ") + e.what());
  }
  if (d.sample_rate < 1 || d.event_length < 1)
    fail_file(path, "corrupt header: sample_rate and event_length must be > 0");
  for (const auto& e : d.entries)
    if (e.class_index < 0 || e.class_index >= static_cast<int>(d.classes.size()))
      fail_file(path, "corrupt header: class index out of range for " + e.source);
}

// Checks magic, version and the lengths against the file size, then the checksum.
// Returns the header text and the sample bytes.
std::pair<std::string_view, std::string_view> check_layout(std::string_view bytes,
                                                           const fs::path& path) {
  if (bytes.size() < kMagic.size() || bytes.substr(0, kMagic.size()) != kMagic)
    fail_file(path, "not an ngsynth dataset (no NGSDATA1 signature)");
  Reader r(bytes, path);
  r.take(kMagic.size());
  const auto version = r.value<uint32_t>();
  if (version != kDatasetVersion)
    fail_file(path, "dataset format version " + std::to_string(version) +
                        " is not supported (this program reads version " +
                        std::to_string(kDatasetVersion) + ")");
  const auto header_len = r.value<uint64_t>();
  if (header_len > bytes.size()) fail_file(path, "truncated or corrupt dataset file (header length)");
  const std::string_view header = r.take(header_len);
  const auto count = r.value<uint64_t>();
  if (count > bytes.size() / sizeof(float))
    fail_file(path, "truncated or corrupt dataset file (sample count)");
  const std::size_t expected = kFixedBytes + header_len + count * sizeof(float);
  if (bytes.size() < expected)
    fail_file(path, "truncated dataset file (" + std::to_string(bytes.size()) + " of " +
                        std::to_string(expected) + " bytes)");
  if (bytes.size() > expected) fail_file(path, "corrupt dataset file (trailing bytes)");
  const std::string_view samples = r.take(count * sizeof(float));
  const std::size_t body = r.pos();
  if (r.value<uint64_t>() != fnv1a64(bytes.substr(0, body)))
    fail_file(path, "corrupt dataset file (checksum mismatch)");
  return {header, samples};
}

}  // namespace

const char* split_name(Split s) { return s == Split::test ? "test" : "train"; }

std::vector<std::size_t> Dataset::indices(Split s) const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < entries.size(); ++i)
    if (entries[i].split == s) out.push_back(i);
  return out;
}

void save_dataset(const Dataset& d, const fs::path& path) {
  check_consistent(d, path);
  const std::string header = header_json(d);
  write_atomically(path, [&](std::ostream& out) {
    HashingWriter w(out);
    w.bytes(kMagic.data(), kMagic.size());
    w.value<uint32_t>(kDatasetVersion);
    w.value<uint64_t>(header.size());
    w.bytes(header.data(), header.size());
    w.value<uint64_t>(d.samples.size());
    w.bytes(d.samples.data(), d.samples.size() * sizeof(float));
    const uint64_t checksum = w.hash();
    out.write(reinterpret_cast<const char*>(&checksum), sizeof checksum);
  });
}

Dataset load_dataset(const fs::path& path) {
  const std::string bytes = read_file(path);
  const auto [header, samples] = check_layout(bytes, path);
  Dataset d;
  parse_header(header, d, path);
  const std::size_t n = samples.size() / sizeof(float);
  if (n != d.entries.size() * static_cast<std::size_t>(d.event_length))
    fail_file(path, "corrupt dataset file (" + std::to_string(n) + " samples for " +
                        std::to_string(d.entries.size()) + " events of " +
                        std::to_string(d.event_length) + ")");
  d.samples.resize(n);
  std::memcpy(d.samples.data(), samples.data(), samples.size());
  return d;
}

fs::path manifest_path(const fs::path& dataset_path) {
  return dataset_path.parent_path() / (dataset_path.stem().string() + ".manifest.json");
}

}  // namespace ngsynth
