// Class-rule files (JSON keyword rules), and classifying a name with the rules it made.
#include "fuzz_support.h"
#include "ngsynth/data/class_rules.h"
#include "ngsynth/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto path = ngsynth::fuzz::write_input("rules.json", data, size);
  try {
    const ngsynth::ClassRules r = ngsynth::load_class_rules(path);
    (void)ngsynth::classify(r, std::string(ngsynth::fuzz::as_text(data, std::min<size_t>(size, 64))));
  } catch (const ngsynth::Error&) {
  }
  return 0;
}
