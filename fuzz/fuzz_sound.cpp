// Sound files through libsndfile (any format it sniffs) and read_audio's checks.
#include "fuzz_support.h"
#include "ngsynth/audio/audio_file.h"
#include "ngsynth/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto path = ngsynth::fuzz::write_input("s.snd", data, size);
  try {
    (void)ngsynth::read_audio(path, 30.0);
  } catch (const ngsynth::Error&) {
  }
  return 0;
}
