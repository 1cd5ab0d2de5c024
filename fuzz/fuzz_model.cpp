// Model files (.ngs) as the torch-free runtime reads them (the plugin, `drums`, `serve`):
// a valid container and checksum around the input, so the mutator reaches the header (the
// options, classes, event options, latent map and prior) and the blobs (named tensors,
// map points, prior posteriors); a model that loads renders one grain.
#include <cstring>

#include "fuzz_support.h"
#include "ngsynth/runtime/model.h"
#include "ngsynth/util/container.h"
#include "ngsynth/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The input: the header JSON, then after a NUL byte the blobs, separated by "|B|"; the
  // first byte after the NUL picks the format version (1 to 3).
  const std::string_view in = ngsynth::fuzz::as_text(data, size);
  const auto nul = in.find('\0');
  if (nul == std::string_view::npos || nul + 1 >= in.size()) return 0;
  ngsynth::Container c;
  c.header = nlohmann::json::parse(in.substr(0, nul), nullptr, false);
  if (c.header.is_discarded()) return 0;
  const uint32_t version = 1 + static_cast<uint8_t>(in[nul + 1]) % 3;
  std::string_view rest = in.substr(nul + 2);
  for (;;) {
    const auto sep = rest.find("|B|");
    c.blobs.emplace_back(rest.substr(0, sep));
    if (sep == std::string_view::npos) break;
    rest.remove_prefix(sep + 3);
  }
  const auto path = ngsynth::fuzz::scratch() / "m.ngs";
  try {
    ngsynth::write_container(path, ngsynth::rt::kModelMagic, version, c);
    const auto m = ngsynth::rt::load_model(path);
    const int z = m->grain().z_dim;
    if (z > 0 && z <= 4096) (void)m->render(std::vector<float>(z, 0.5f), m->one_hot(0), 7, m->grain().hop);
  } catch (const ngsynth::Error&) {
  }
  return 0;
}
