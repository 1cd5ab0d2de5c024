// ngsynth resynth (alias reconstruct): a sound resynthesised by the model.
#include "cli_common.h"
#include "commands.h"
#include "ngsynth/synth/autoencode.h"

namespace ngsynth::cli {

Run add_resynth(CLI::App& app) {
  struct Args : RenderArgs {
    std::string input, output, class_name;
  };
  auto a = std::make_shared<Args>();
  app.footer(
      "Resynthesise a sound of any length and sample rate in the model's style: it is\n"
      "resampled to the model's rate, encoded grain by grain, decoded, and written at the\n"
      "model's rate with the same duration and loudness (RMS; never peaking above the\n"
      "input). A class-conditional model decodes with --class\n"
      "(any class: a voice as a snare), or else with the class whose decoding is closest.\n"
      "Example: ngsynth resynth --model drums.ngs voice.wav --class snare -o voice_snare.wav");
  add_render_options(app, *a);
  app.add_option("input", a->input, "Sound file (wav, flac, aiff, ogg)")->required();
  app.add_option("-o,--output", a->output, "WAV file to write")->required();
  app.add_option("--class", a->class_name, "Class to decode with (default: the closest)");
  return [a] {
    Model m = open_model(*a);
    std::vector<float> x = read_sound(*a, a->input, m.info.grain.sample_rate);
    check_output_length(*a, static_cast<int64_t>(x.size()), m.info.grain.sample_rate, a->input);
    std::optional<int> label;
    if (!a->class_name.empty()) label = pick_class(m, a->class_name, nullptr, a->seed);
    AutoencodeResult r = autoencode(m.vae, x, label, a->seed);
    write_sound(a->output, r.audio, m, a->format,
                r.label >= 0 ? "class " + m.info.classes[r.label] : "resynthesised");
    return 0;
  };
}

}  // namespace ngsynth::cli
