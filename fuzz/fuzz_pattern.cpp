// Drum patterns (JSON), and a pattern that loads must survive its own JSON round trip.
#include <nlohmann/json.hpp>

#include "fuzz_support.h"
#include "ngsynth/live/pattern.h"
#include "ngsynth/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto path = ngsynth::fuzz::write_input("p.json", data, size);
  try {
    const ngsynth::live::Pattern p = ngsynth::live::read_pattern(path);
    const nlohmann::json j = p;
    (void)j.get<ngsynth::live::Pattern>();
  } catch (const ngsynth::Error&) {
  }
  return 0;
}
