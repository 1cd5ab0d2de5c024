// Dataset files (.ngd): layout, lengths, checksum, JSON header, samples.
#include "fuzz_support.h"
#include "ngsynth/data/dataset.h"
#include "ngsynth/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto path = ngsynth::fuzz::write_input("d.ngd", data, size);
  try {
    (void)ngsynth::load_dataset(path);
  } catch (const ngsynth::Error&) {
  }
  return 0;
}
