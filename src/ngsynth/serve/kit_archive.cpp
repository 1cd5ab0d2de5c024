#include "ngsynth/serve/kit_archive.h"

#include <array>
#include <cstdint>
#include <limits>

#include "ngsynth/kit/kit_writer.h"
#include "ngsynth/util/error.h"

namespace ngsynth::serve {

namespace {

uint32_t crc32(const std::string& bytes) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : bytes) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void put16(std::string& out, uint32_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
}
void put32(std::string& out, uint32_t v) {
  put16(out, v & 0xFFFF);
  put16(out, v >> 16);
}

}  // namespace

std::string zip_archive(const std::vector<std::pair<std::string, std::string>>& files) {
  constexpr uint32_t kDosDate = (46u << 9) | (1u << 5) | 1u;  // 2026-01-01, time 00:00
  std::string out, central;
  for (const auto& [name, bytes] : files) {
    if (name.empty()) throw Error("zip: an entry has no name");
    if (out.size() + bytes.size() + name.size() + 64 > std::numeric_limits<uint32_t>::max())
      throw Error("zip: the archive would exceed 4 GiB");
    const uint32_t offset = static_cast<uint32_t>(out.size());
    const uint32_t crc = crc32(bytes), size = static_cast<uint32_t>(bytes.size());
    // Local file header.
    put32(out, 0x04034b50u);
    put16(out, 20);  // version needed
    put16(out, 0x0800);  // flags: UTF-8 names
    put16(out, 0);   // stored
    put16(out, 0);   // time
    put16(out, kDosDate);
    put32(out, crc);
    put32(out, size);
    put32(out, size);
    put16(out, static_cast<uint32_t>(name.size()));
    put16(out, 0);
    out += name;
    out += bytes;
    // Central directory entry.
    put32(central, 0x02014b50u);
    put16(central, 20);  // version made by
    put16(central, 20);
    put16(central, 0x0800);
    put16(central, 0);
    put16(central, 0);
    put16(central, kDosDate);
    put32(central, crc);
    put32(central, size);
    put32(central, size);
    put16(central, static_cast<uint32_t>(name.size()));
    put16(central, 0);  // extra
    put16(central, 0);  // comment
    put16(central, 0);  // disk
    put16(central, 0);  // internal attributes
    put32(central, 0);  // external attributes
    put32(central, offset);
    central += name;
  }
  const uint32_t dir_offset = static_cast<uint32_t>(out.size());
  out += central;
  put32(out, 0x06054b50u);  // end of central directory
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<uint32_t>(files.size()));
  put16(out, static_cast<uint32_t>(files.size()));
  put32(out, static_cast<uint32_t>(central.size()));
  put32(out, dir_offset);
  put16(out, 0);
  return out;
}

std::string drumkit_xml(const std::string& name,
                        const std::vector<std::pair<std::string, std::string>>& instruments) {
  kit::KitDescription k;
  k.name = name;
  k.info = "Sampled by a neural granular model (ngsynth serve).";
  k.license = "as the model's training sounds";
  for (const auto& [instrument, file] : instruments) {
    kit::KitInstrument i;
    i.name = instrument;
    kit::KitLayer layer;
    layer.file = file;
    i.layers.push_back(std::move(layer));
    k.instruments.push_back(std::move(i));
  }
  return kit::drumkit_xml(k);
}

}  // namespace ngsynth::serve
