// Dataset files with a valid layout and checksum around the input (a JSON header, then the
// samples): the checksum stops a plain mutator at the first byte, this reaches the header.
#include <cstring>

#include "fuzz_support.h"
#include "ngsynth/data/dataset.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The input: the header text, then after a NUL byte the sample bytes.
  const std::string_view in = ngsynth::fuzz::as_text(data, size);
  const auto nul = in.find('\0');
  const std::string_view header = in.substr(0, nul);
  const std::string_view samples = nul == std::string_view::npos ? "" : in.substr(nul + 1);
  const uint64_t n = samples.size() / 4;
  std::string b = "NGSDATA1";
  const auto put = [&](const void* p, std::size_t k) { b.append(static_cast<const char*>(p), k); };
  const uint32_t version = ngsynth::kDatasetVersion;
  const uint64_t header_len = header.size();
  put(&version, 4);
  put(&header_len, 8);
  b += header;
  put(&n, 8);
  b.append(samples.data(), n * 4);
  const uint64_t sum = ngsynth::fnv1a64(b);
  put(&sum, 8);
  const auto path = ngsynth::fuzz::write_input("h.ngd", reinterpret_cast<const uint8_t*>(b.data()), b.size());
  try {
    const ngsynth::Dataset d = ngsynth::load_dataset(path);
    for (std::size_t i = 0; i < d.entries.size(); ++i) (void)d.event(i)[0];
  } catch (const ngsynth::Error&) {
  }
  return 0;
}
