// Latent-path files, CSV and JSON; the first byte picks z_dim (1..64).
#include "fuzz_support.h"
#include "ngsynth/synth/path_file.h"
#include "ngsynth/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int z_dim = 1 + data[0] % 64;
  const std::string text(ngsynth::fuzz::as_text(data + 1, size - 1));
  for (int json = 0; json < 2; ++json) {
    try {
      const ngsynth::PathFile p = json ? ngsynth::parse_path_json(text, z_dim, "p.json")
                                       : ngsynth::parse_path_csv(text, z_dim, "p.csv");
      if (p.points.size() != p.lines.size()) __builtin_trap();
      for (const auto& point : p.points)
        if (point.size() != 2 && point.size() != static_cast<std::size_t>(z_dim)) __builtin_trap();
    } catch (const ngsynth::Error&) {
    }
  }
  return 0;
}
