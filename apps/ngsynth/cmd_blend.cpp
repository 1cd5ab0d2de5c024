// ngsynth blend: mix or crossfade the latent series of two sounds.
#include <cstdio>

#include "cli_common.h"
#include "commands.h"
#include "ngsynth/synth/latent_series.h"

namespace ngsynth::cli {

Run add_blend(CLI::App& app) {
  struct Args : RenderArgs {
    std::string a, b, output, class_name;
    double mix = 0.5;
    bool crossfade = false;
  };
  auto a = std::make_shared<Args>();
  app.footer(
      "Blend two sounds in the grain latent space: B's latent series is fitted to A's\n"
      "length, then the two are averaged ((1 - mix) A + mix B) or, with --crossfade, moved\n"
      "from A to B over the sound. The result lasts as long as A; its loudness (RMS) is\n"
      "the inputs' mixed by the mix (0.5 for a crossfade).\n"
      "Example: ngsynth blend --model drums.ngs kick.wav snare.wav --mix 0.3 -o kare.wav");
  add_render_options(app, *a);
  app.add_option("a", a->a, "First sound file")->required();
  app.add_option("b", a->b, "Second sound file")->required();
  auto* mix = app.add_option("--mix", a->mix, "Weight of B, 0..1")->check(CLI::Range(0.0, 1.0));
  app.add_flag("--crossfade", a->crossfade, "Move from A to B over the sound")->excludes(mix);
  app.add_option("--class", a->class_name, "Class to decode with (default: closest to A)");
  app.add_option("-o,--output", a->output, "WAV file to write")->required();
  return [a] {
    Model m = open_model(*a);
    const int rate = m.info.grain.sample_rate;
    std::vector<float> xa = read_sound(*a, a->a, rate), xb = read_sound(*a, a->b, rate);
    const int label = pick_class(m, a->class_name, &xa, a->seed);
    std::vector<float> y = blend(m.vae, xa, xb, a->mix, a->crossfade, label, a->seed);
    char what[64];
    if (a->crossfade) std::snprintf(what, sizeof what, "crossfade A -> B");
    else std::snprintf(what, sizeof what, "blend %.2f A + %.2f B", 1 - a->mix, a->mix);
    write_sound(a->output, y, m, a->format, what);
    return 0;
  };
}

}  // namespace ngsynth::cli
