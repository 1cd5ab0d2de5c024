// `ngsynth bench`: speed and size of a preset on this machine, measured on synthetic
// events (decaying noise bursts) so it needs no dataset: seconds per training step at the
// preset's batch size, milliseconds to encode and to decode one second of audio, parameter
// count, model-file size and peak memory. Medians over repeats, after a warm-up.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace ngsynth {

struct BenchOptions {
  std::string preset = "fast";
  int threads = 1;
  int train_steps = 5;     // timed training steps (0 = skip training)
  int repeats = 20;        // timed encode/decode repeats
  int n_classes = 8;
};

struct BenchResult {
  std::string preset;
  int threads = 1;
  int batch_size = 0;
  double train_step_s = 0;  // median seconds per optimisation step
  double encode_1s_ms = 0;  // median ms to encode 1 s of audio (posterior means)
  double decode_1s_ms = 0;  // median ms to decode 1 s of audio from latents
  int64_t parameters = 0;
  double model_mb = 0;      // weights as stored in a model file
  double peak_rss_mb = 0;
  nlohmann::json to_json() const;
  std::string text() const;
};

BenchResult run_benchmark(const BenchOptions& options);

}  // namespace ngsynth
