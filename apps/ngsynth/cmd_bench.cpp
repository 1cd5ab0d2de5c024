// ngsynth bench: speed and size of a preset on this machine.
#include <cstdio>

#include "commands.h"
#include "ngsynth/eval/benchmark.h"
#include "ngsynth/model/options.h"

namespace ngsynth::cli {

Run add_bench(CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  auto json = std::make_shared<bool>(false);
  app.footer(
      "Measure, on synthetic events, seconds per training step at the preset's batch size,\n"
      "milliseconds to encode and decode one second of audio, parameters, model size and\n"
      "peak memory. Medians after a warm-up.");
  app.add_option("--preset", o->preset, "fast or paper")->check(CLI::IsMember(preset_names()));
  app.add_option("--threads", o->threads, "CPU threads")->check(CLI::PositiveNumber);
  app.add_option("--train-steps", o->train_steps, "Timed training steps (0 skips training)");
  app.add_option("--repeats", o->repeats, "Timed encode/decode repeats")
      ->check(CLI::PositiveNumber);
  app.add_flag("--json", *json, "Print one JSON object instead of a table");
  return [o, json] {
    BenchResult r = run_benchmark(*o);
    std::printf("%s\n", *json ? r.to_json().dump().c_str() : r.text().c_str());
    return 0;
  };
}

}  // namespace ngsynth::cli
