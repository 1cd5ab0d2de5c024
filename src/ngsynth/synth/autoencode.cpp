#include "ngsynth/synth/autoencode.h"

#include "ngsynth/audio/levels.h"
#include "ngsynth/synth/render.h"
#include "ngsynth/util/error.h"

namespace ngsynth {

AutoencodeResult autoencode(GrainVae& vae, const std::vector<float>& audio,
                            std::optional<int> label, uint64_t seed, bool keep_level) {
  const GrainOptions& o = vae->options();
  const torch::Tensor z = encode_sound(vae, audio);
  AutoencodeResult r;
  if (o.conditional && o.n_classes > 0) {
    if (label && (*label < 0 || *label >= o.n_classes)) throw Error("class index out of range");
    r.label = label ? *label : closest_class(vae, audio, seed, z);
  }
  r.audio = render_latents(vae, z, class_label(std::max(r.label, 0)), seed,
                           static_cast<int64_t>(audio.size()));
  if (keep_level) match_level(r.audio, audio);
  return r;
}

}  // namespace ngsynth
