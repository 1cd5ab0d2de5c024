// ngsynth sample: new events of a class from the event embedding's prior.
#include <cstdio>

#include "cli_common.h"
#include "commands.h"
#include "ngsynth/synth/event.h"

namespace ngsynth::cli {

Run add_sample(CLI::App& app) {
  struct Args : RenderArgs {
    std::string class_name, output;
    int count = 4;
    double temperature = 0.5;
  };
  auto a = std::make_shared<Args>();
  app.footer(
      "Sample whole new events (drum hits, notes) of a class: an embedding drawn from the\n"
      "class's prior (by default a Gaussian fitted to where the class's training events lie in\n"
      "the event embedding; see --prior), decoded to a grain-latent series with the class and\n"
      "rendered by the grain VAE. Writes DIR/CLASS_000.wav, ... of the model's event length.\n"
      "Without --class, every class is sampled, each with the same seeds. The temperature\n"
      "scales the spread around the class: 0 gives its most typical event, higher values\n"
      "stranger ones. Needs a model with an event level (`ngsynth train --stage temporal`).\n"
      "Example: ngsynth sample --model drums.ngs --class snare -n 8 -o samples/");
  add_render_options(app, *a);
  add_prior_option(app, a->prior);
  app.add_option("--class", a->class_name, "Class to sample (default: every class)");
  app.add_option("-n,--count", a->count, "Events per class")->check(CLI::Range(1, 100000));
  app.add_option("-t,--temperature", a->temperature, "Spread around the class (0 = its most typical event, 1 = its full spread)")
      ->check(CLI::Range(0.0, 10.0));
  app.add_option("-o,--output", a->output, "Folder to write into (created)")->required();
  return [a] {
    Model m = open_model(*a);
    m.require_event();
    std::vector<int> labels;
    if (!a->class_name.empty()) {
      labels.push_back(pick_class(m, a->class_name, nullptr, a->seed));
    } else {
      for (std::size_t c = 0; c < std::max<std::size_t>(1, m.info.classes.size()); ++c)
        labels.push_back(static_cast<int>(c));
    }
    const auto dir = output_dir(a->output);
    for (int label : labels) {
      const std::string name = m.info.classes.empty() ? "event" : m.info.classes[label];
      auto events = sample_events(m, label, a->count, a->temperature, a->seed);
      for (std::size_t i = 0; i < events.size(); ++i) {
        char file[64];
        std::snprintf(file, sizeof file, "_%03zu.wav", i);
        write_sound(dir / (name + file), events[i], m, a->format, "class " + name);
      }
    }
    return 0;
  };
}

}  // namespace ngsynth::cli
