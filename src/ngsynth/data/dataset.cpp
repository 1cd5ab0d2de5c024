// The dataset file (layout in dataset.h). Saving streams the samples through the checksum
// instead of building the file in memory; loading reads the whole file at once, checks
// its structure and checksum before believing any length in it, then copies the samples.
#include "ngsynth/data/dataset.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/version.h"
#include "ngsynth/util/hash.h"
#include "ngsynth/util/json_fields.h"

namespace ngsynth {
namespace fs = std::filesystem;
using nlohmann::json;

// Samples are copied as raw bytes, which is little-endian only on a little-endian host.
static_assert(std::endian::native == std::endian::little,
              "dataset I/O assumes a little-endian host");

namespace {

constexpr std::string_view kMagic = "NGSDATA1";
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
  try {
    check_class_names(d.classes);
  } catch (const Error& e) {
    fail_file(path, std::string("cannot save: ") + e.what());
  }
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
            {"created_by", version_text()}};
  // Source names are file names, i.e. bytes: invalid UTF-8 is stored as U+FFFD.
  return h.dump(-1, ' ', false, json::error_handler_t::replace);
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

template <typename T>
T field(const json& j, const char* key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end()) throw Error(where + key + ": missing");
  return json_value<T>(*it, where + key);
}

void parse_header(std::string_view text, Dataset& d, const fs::path& path) {
  try {
    const json h = json::parse(text);
    if (!h.is_object()) throw Error("expected a JSON object");
    d.sample_rate = field<int>(h, "sample_rate", "");
    d.event_length = field<int64_t>(h, "event_length", "");
    d.classes = field<std::vector<std::string>>(h, "classes", "");
    const auto entries = h.find("entries");
    if (entries == h.end() || !entries->is_array()) throw Error("entries: missing or not a list");
    for (std::size_t i = 0; i < entries->size(); ++i) {
      const json& e = (*entries)[i];
      const std::string where = "entries[" + std::to_string(i) + "].";
      if (!e.is_object()) throw Error(where + ": expected an object");
      d.entries.push_back({field<std::string>(e, "source", where), field<int>(e, "class", where),
                           parse_split(field<std::string>(e, "split", where), path)});
    }
  } catch (const json::exception& e) {
    fail_file(path, "corrupt header: " + json_message(e));
  } catch (const Error& e) {
    if (std::string_view(e.what()).starts_with(path.string() + ":")) throw;
    fail_file(path, std::string("corrupt header: ") + e.what());
  }
  if (d.sample_rate < 1 || d.event_length < 1)
    fail_file(path, "corrupt header: sample_rate and event_length must be > 0");
  try {
    check_class_names(d.classes);
  } catch (const Error& e) {
    fail_file(path, std::string("corrupt header: ") + e.what());
  }
  for (const auto& e : d.entries)
    if (e.class_index < 0 || e.class_index >= static_cast<int>(d.classes.size()))
      fail_file(path, "corrupt header: class index out of range for " + e.source);
}

// The first non-finite sample, as "event 3 (kick/a.wav) sample 17", or "".
std::string first_non_finite(const Dataset& d) {
  const auto bad = std::find_if(d.samples.begin(), d.samples.end(),
                                [](float v) { return !std::isfinite(v); });
  if (bad == d.samples.end()) return "";
  const auto at = static_cast<std::size_t>(bad - d.samples.begin());
  const std::size_t event = at / static_cast<std::size_t>(d.event_length);
  return "event " + std::to_string(event) + " (" + d.entries[event].source + ") sample " +
         std::to_string(at % static_cast<std::size_t>(d.event_length));
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

void check_class_names(const std::vector<std::string>& classes) {
  for (std::size_t i = 0; i < classes.size(); ++i) {
    if (classes[i].empty()) throw Error("class " + std::to_string(i) + " has an empty name");
    for (std::size_t k = 0; k < i; ++k)
      if (classes[k] == classes[i])
        throw Error("class name '" + classes[i] + "' is listed twice (classes " +
                    std::to_string(k) + " and " + std::to_string(i) + ")");
  }
}

void write_dataset(const Dataset& d, const fs::path& path, std::ostream& out) {
  check_consistent(d, path);
  if (const std::string bad = first_non_finite(d); !bad.empty())
    fail_file(path, "cannot save: " + bad + " is NaN or infinite");
  const std::string header = header_json(d);
  {
    HashingWriter w(out);
    w.bytes(kMagic.data(), kMagic.size());
    w.value<uint32_t>(kDatasetVersion);
    w.value<uint64_t>(header.size());
    w.bytes(header.data(), header.size());
    w.value<uint64_t>(d.samples.size());
    w.bytes(d.samples.data(), d.samples.size() * sizeof(float));
    const uint64_t checksum = w.hash();
    out.write(reinterpret_cast<const char*>(&checksum), sizeof checksum);
  }
}

void save_dataset(const Dataset& d, const fs::path& path) {
  write_atomically(path, [&](std::ostream& out) { write_dataset(d, path, out); });
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
  if (const std::string bad = first_non_finite(d); !bad.empty())
    fail_file(path, "corrupt dataset file: " + bad + " is NaN or infinite");
  return d;
}

fs::path manifest_path(const fs::path& dataset_path) {
  return dataset_path.parent_path() / (dataset_path.stem().string() + ".manifest.json");
}

}  // namespace ngsynth
