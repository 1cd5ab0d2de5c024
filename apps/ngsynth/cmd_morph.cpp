// ngsynth morph: events along a line between two points of the event embedding.
#include <cstdio>

#include "cli_common.h"
#include "commands.h"
#include "ngsynth/synth/event.h"
#include "ngsynth/synth/render.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"

namespace ngsynth::cli {

Run add_morph(CLI::App& app) {
  struct Args : RenderArgs {
    std::vector<std::string> sounds;
    std::string from_class, to_class, class_name, output;
    int steps = 5;
    double temperature = 1.0;
  };
  auto a = std::make_shared<Args>();
  app.footer(
      "Temporal morphing: two events are placed in the event embedding (encoded from two\n"
      "sound files, or sampled from the prior for --from-class and --to-class), and K events\n"
      "are rendered along the straight line between them, the class mixing alike. Writes\n"
      "DIR/morph_00.wav ... DIR/morph_{K-1}.wav; the first and last are the two events.\n"
      "Examples:\n"
      "  ngsynth morph --model drums.ngs kick.wav snare.wav --steps 8 -o morph/\n"
      "  ngsynth morph --model drums.ngs --from-class kick --to-class clap -o morph/");
  add_render_options(app, *a);
  add_prior_option(app, a->prior);
  app.add_option("sounds", a->sounds, "Two sound files A B")->expected(0, 2);
  app.add_option("--from-class", a->from_class, "Sample the start event of this class");
  app.add_option("--to-class", a->to_class, "Sample the end event of this class");
  app.add_option("--class", a->class_name, "Class of encoded sounds (default: the closest)");
  app.add_option("-k,--steps", a->steps, "Events to render, end points included")
      ->check(CLI::Range(2, 10000));
  app.add_option("-t,--temperature", a->temperature, "Spread of sampled end points")
      ->check(CLI::Range(0.0, 10.0));
  app.add_option("-o,--output", a->output, "Folder to write into (created)")->required();
  return [a] {
    const bool sampled = !a->from_class.empty() || !a->to_class.empty();
    if (sampled && !a->sounds.empty())
      throw Error("give two sound files or --from-class and --to-class, not both");
    if (sampled ? (a->from_class.empty() || a->to_class.empty()) : a->sounds.size() != 2)
      throw Error("morph needs two sound files, or both --from-class and --to-class");
    Model m = open_model(*a);
    m.require_event();
    std::optional<int> forced;
    if (!a->class_name.empty()) forced = pick_class(m, a->class_name, nullptr, a->seed);
    auto point = [&](int k) {
      if (sampled) {
        const int label = pick_class(m, k == 0 ? a->from_class : a->to_class, nullptr, a->seed);
        return EventPoint{sample_embedding(m, label, a->temperature, mix_seed(a->seed, k)), label};
      }
      return encode_event(m, read_sound(*a, a->sounds[k], m.info.grain.sample_rate), forced, a->seed);
    };
    const EventPoint from = point(0), to = point(1);
    auto events = morph_events(m, from, to, a->steps, a->seed);
    const auto dir = output_dir(a->output);
    auto name = [&](int label) { return m.info.classes.empty() ? std::string("event") : m.info.classes[label]; };
    for (std::size_t k = 0; k < events.size(); ++k) {
      char file[32], what[96];
      std::snprintf(file, sizeof file, "morph_%02zu.wav", k);
      std::snprintf(what, sizeof what, "t = %.3f (%s -> %s)", double(k) / (events.size() - 1),
                    name(from.label).c_str(), name(to.label).c_str());
      write_sound(dir / file, events[k], m, a->format, what);
    }
    return 0;
  };
}

}  // namespace ngsynth::cli
