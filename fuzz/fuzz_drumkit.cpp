// drumkit.xml through scan_source: the kit parser, the file list and the confinement of
// sample names to the kit folder (absolute, ../, links).
#include "fuzz_support.h"
#include "ngsynth/data/sources.h"
#include "ngsynth/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto kit = ngsynth::fuzz::scratch() / "kit";
  std::filesystem::create_directories(kit);
  ngsynth::fuzz::write_input("kit/drumkit.xml", data, size);
  try {
    (void)ngsynth::scan_source(kit);
  } catch (const ngsynth::Error&) {
  }
  return 0;
}
