// ngsynth drums: renders a drum-machine pattern with a model, offline.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "ngsynth/live/pattern.h"
#include "ngsynth/live/pattern_render.h"
#include "ngsynth/runtime/instrument.h"
#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"

namespace ngsynth::cli {

Run add_drums(CLI::App& app) {
  struct Args : RenderArgs {
    std::string pattern, output, write_pattern, tail = "wrap";
    std::optional<int> loops;
  };
  auto a = std::make_shared<Args>();
  app.footer(
      "Render a drum-machine pattern offline: one track per class of the model, each playing\n"
      "an event sampled with the track's seed and temperature, on 16th-note steps at the\n"
      "pattern's tempo, swing and per-step velocities, sample-exactly (the same timing as\n"
      "`ngsynth serve` plays live). Pattern JSON:\n"
      "  {\"tempo\": 120, \"swing\": 0.2, \"steps\": 16, \"loops\": 2, \"tracks\": [\n"
      "    {\"class\": \"kick\",  \"steps\": \"x...x...x...x...\", \"seed\": 7},\n"
      "    {\"class\": \"hihat\", \"steps\": [1,0,0.5,0, 1,0,0.5,0, 1,0,0.5,0, 1,0,0.5,0]}]}\n"
      "('x' = 1, 'o' = 0.5, '.' = rest; numbers are velocities). --write-pattern writes the\n"
      "default pattern for the model's classes as a start. With --tail wrap (default) the\n"
      "ringing of the last hits is added onto the start, so the file loops seamlessly.\n"
      "Example: ngsynth drums --model drums.ngs beat.json --loops 4 -o beat.wav");
  add_render_options(app, *a);
  app.add_option("pattern", a->pattern, "Pattern file (JSON)");
  app.add_option("-o,--output", a->output, "WAV file to write");
  app.add_option("--loops", a->loops, "Loops to render (default: the pattern's)")
      ->check(CLI::Range(1, 1000));
  app.add_option("--tail", a->tail, "wrap, append or cut: what to do with the last hits' ring")
      ->check(CLI::IsMember({"wrap", "append", "cut"}));
  app.add_option("--write-pattern", a->write_pattern,
                 "Write the default pattern for the model's classes to this file");
  return [a] {
    const auto m = open_runtime_model(*a);  // the synthesis runtime: no LibTorch
    if (!a->write_pattern.empty()) {
      nlohmann::json j = live::default_pattern(m->classes());
      write_file_atomically(a->write_pattern, j.dump(2) + "\n");
      std::printf("%s: default pattern for %zu classes\n", a->write_pattern.c_str(),
                  m->classes().size());
      if (a->pattern.empty()) return 0;
    }
    if (a->pattern.empty() || a->output.empty())
      throw Error("drums needs a pattern file and -o OUT.wav (or --write-pattern)");
    live::Pattern pattern = live::read_pattern(a->pattern);
    rt::Instrument instrument(m);
    const int loops = a->loops.value_or(pattern.loops);
    const auto tail = a->tail == "wrap" ? live::LoopTail::wrap
                      : a->tail == "append" ? live::LoopTail::append : live::LoopTail::cut;
    std::vector<float> y = live::render_pattern(pattern, instrument, loops, tail);
    char what[96];
    std::snprintf(what, sizeof what, "%d loop(s) of %d steps at %g BPM", loops, pattern.steps,
                  pattern.tempo);
    write_sound(a->output, y, m->grain().sample_rate, a->format, what);
    return 0;
  };
}

}  // namespace ngsynth::cli
