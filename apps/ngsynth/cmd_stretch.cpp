// ngsynth stretch: time-stretch a sound without changing its pitch.
#include <cmath>
#include <cstdio>

#include "cli_common.h"
#include "commands.h"
#include "ngsynth/synth/latent_series.h"

namespace ngsynth::cli {

Run add_stretch(CLI::App& app) {
  struct Args : RenderArgs {
    std::string input, output, class_name;
    double factor = 1.0;
  };
  auto a = std::make_shared<Args>();
  app.footer(
      "Time-stretch a sound by a factor without changing its pitch: its grain-latent series\n"
      "is resampled in time (as NSynth users resize embeddings) and rendered grain by grain.\n"
      "The result lasts exactly factor x the input, at its loudness (RMS); --factor 1 is\n"
      "plain resynthesis.\n"
      "Example: ngsynth stretch --model drums.ngs crash.wav --factor 4 -o crash_x4.wav");
  add_render_options(app, *a);
  app.add_option("input", a->input, "Sound file")->required();
  app.add_option("-r,--factor", a->factor, "Length factor (2 = twice as long)")->required()
      ->check(CLI::Range(0.01, 1000.0));
  app.add_option("--class", a->class_name, "Class to decode with (default: the closest)");
  app.add_option("-o,--output", a->output, "WAV file to write")->required();
  return [a] {
    Model m = open_model(*a);
    std::vector<float> x = read_sound(*a, a->input, m.info.grain.sample_rate);
    check_output_length(*a, std::llround(static_cast<double>(x.size()) * a->factor),
                        m.info.grain.sample_rate, a->input + " stretched");
    const int label = pick_class(m, a->class_name, &x, a->seed);
    std::vector<float> y = stretch(m.vae, x, a->factor, label, a->seed);
    char what[64];
    std::snprintf(what, sizeof what, "stretched x%g", a->factor);
    write_sound(a->output, y, m, a->format, what);
    return 0;
  };
}

}  // namespace ngsynth::cli
