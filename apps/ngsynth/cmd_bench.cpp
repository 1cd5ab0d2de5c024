// ngsynth bench: speed and size of a preset on this machine.
#include <cstdio>

#include "commands.h"
#include "ngsynth/bench/benchmark.h"
#include "ngsynth/spec/options.h"

namespace ngsynth::cli {

Run add_bench(CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  auto json = std::make_shared<bool>(false);
  app.footer(
      "Measure a preset on this machine, with synthetic events and untrained weights of the\n"
      "preset's sizes (speed does not depend on the weights): seconds per training step at\n"
      "the preset's batch size; milliseconds to encode and to decode 1 s of audio and for one\n"
      "1 s `sample` (event VAE + grain decoder); the streaming real-time factor of a grain\n"
      "stream; the live engine's trigger-to-first-sample latency (the smallest latency at\n"
      "which notes triggered in real time never underrun); parameters, model size, peak\n"
      "memory. Medians after a warm-up. --json prints one object (keys decode_1s_ms,\n"
      "sample_1s_ms, rtf, latency_ms, peak_rss_mb, ...) for tracking over time.");
  app.add_option("--preset", o->preset, "fast, paper or tonal")->check(CLI::IsMember(preset_names()));
  app.add_option("--set", o->set, "Override a grain option of the preset: key=value (e.g. tonal=false)");
  app.add_option("--threads", o->threads, "CPU threads")->check(CLI::PositiveNumber);
  app.add_option("--train-steps", o->train_steps, "Timed training steps (0 skips training)");
  app.add_option("--repeats", o->repeats, "Timed encode/decode repeats")
      ->check(CLI::PositiveNumber);
  app.add_flag("--json", *json, "Print one JSON object instead of a table");
  app.add_flag("--cpu-time", o->cpu_time,
               "Time the thread's CPU time, not the wall clock (one thread; for a busy machine)");
  app.add_flag("!--no-live", o->live, "Skip the streaming and latency measures (3-10 s)");
  return [o, json] {
    BenchResult r = run_benchmark(*o);
    std::printf("%s\n", *json ? r.to_json().dump().c_str() : r.text().c_str());
    return 0;
  };
}

}  // namespace ngsynth::cli
