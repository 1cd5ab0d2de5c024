// `ngsynth bench`: speed and size of a preset on this machine, measured on synthetic
// events (decaying noise bursts) and untrained weights of the preset's sizes, so it needs
// no dataset or model (speed does not depend on the weights' values). Medians over
// repeats, after a warm-up:
//   train_step_s   one optimisation step of the grain VAE at the preset's batch size
//   encode_1s_ms   posterior means of the grains of 1 s of audio
//   decode_1s_ms   1 s of audio from given grain latents by the synthesis runtime
//                  (runtime/grain_decoder: what every front-end plays)
//   sample_1s_ms   one `sample` of 1 s by the runtime: an embedding from the prior, the
//                  event decoder to the grain latents of 1 s, and the grain decoder
//   sample_1s_half_ms  the same with the recurrent weights stored in float16, and
//   half_error     its effect on the sound: RMS of the difference of the two 1 s events
//                  (same embedding and noise) over the RMS of the float32 one
//   torch_decode_1s_ms, torch_sample_1s_ms  the same two through LibTorch (inference
//                  path: no autograd, direct FIR, overlap-add and recurrent kernels)
//   rtf            streaming real-time factor: seconds spent per second of audio when a
//                  runtime grain stream renders hop after hop (< 1: faster than real time)
//   voices_48k     drum voices one thread keeps playing in real time at 48 kHz output:
//                  1 / (seconds to sample one event with the runtime and resample it to
//                  48 kHz, per second of event), each voice a fresh event every hit
//   streams_48k    grain streams (XY pad) one thread keeps in real time at 48 kHz
//   latency_ms     trigger-to-first-sample latency of the live engine: the smallest engine
//                  latency at which notes (sampled events) triggered every 100 ms while it
//                  runs in real time at 64-frame blocks are all rendered in time
//   peak_rss_mb    peak resident memory of the process
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ngsynth {

struct BenchOptions {
  std::string preset = "fast";
  std::vector<std::string> set;  // grain option overrides, key=value (as `train --set`)
  int threads = 1;
  int train_steps = 5;     // timed training steps (0 = skip training)
  int repeats = 20;        // timed encode/decode repeats
  int n_classes = 8;
  bool live = true;        // measure rtf and latency_ms (a few seconds of real time)
  // Time the calling thread's CPU time instead of the wall clock: on a machine shared with
  // other work it leaves out the time spent waiting for a core (one thread only).
  bool cpu_time = false;
};

struct BenchResult {
  std::string preset;
  int threads = 1;
  bool cpu_time = false;
  int batch_size = 0;
  double train_step_s = 0;  // median seconds per optimisation step
  double encode_1s_ms = 0;  // median ms to encode 1 s of audio (posterior means)
  double decode_1s_ms = 0;  // median ms to decode 1 s of audio from latents (runtime)
  double sample_1s_ms = 0;  // median ms for one 1 s event from the event prior (runtime)
  double sample_1s_half_ms = 0;  // the same, recurrent weights in float16
  double half_error = 0;         // relative RMS difference of float16 and float32 events
  double torch_decode_1s_ms = 0; // decode_1s_ms through LibTorch
  double torch_sample_1s_ms = 0; // sample_1s_ms through LibTorch
  double voices_48k = 0;         // drum voices one thread renders in real time at 48 kHz
  double streams_48k = 0;        // grain streams one thread renders in real time at 48 kHz
  double rtf = 0;           // streaming real-time factor (one thread per stream)
  double latency_ms = 0;    // trigger-to-first-sample latency of the live engine
  int latency_frames = 0;   // the same in frames at the preset's rate
  int64_t parameters = 0;
  double model_mb = 0;      // weights as stored in a model file
  double peak_rss_mb = 0;
  nlohmann::json to_json() const;
  std::string text() const;
};

BenchResult run_benchmark(const BenchOptions& options);

}  // namespace ngsynth
