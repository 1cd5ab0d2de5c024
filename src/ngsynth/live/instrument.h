// What the live front-ends (drum machine, OSC server) ask of a trained model. The
// interface is torch-free: the LibTorch implementation lives with the model code, and the
// tests use deterministic fakes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ngsynth/live/engine.h"

namespace ngsynth::live {

// What live front-ends ask of a trained model. Implemented over LibTorch elsewhere, by fakes
// in tests. Called from control or worker threads, never from the audio thread; an
// implementation serialises its own calls.
class Instrument {
 public:
  virtual ~Instrument() = default;
  virtual int sample_rate() const = 0;
  virtual const std::vector<std::string>& classes() const = 0;   // model classes, may be empty
  virtual int event_frames() const = 0;                           // length of a sampled event
  // A new event of a class from the event prior.
  virtual std::vector<float> sample_event(int class_index, uint64_t seed, float temperature) = 0;
  // `frames` samples along a random latent path (forward-backward between two random points).
  virtual std::vector<float> sample_path(int class_index, int64_t frames, uint64_t seed) = 0;
  // An event of `frames` samples holding the grain at point (x, y) of the latent map.
  virtual std::vector<float> xy_event(int class_index, float x, float y, int64_t frames, uint64_t seed) = 0;
  // The event at t in [0, 1] of the morph from a sampled event of class a to one of class b.
  virtual std::vector<float> morph_event(int class_a, int class_b, float t, uint64_t seed) = 0;

  // Continuous streams (an XY pad played live): frames per stream chunk, 0 when the
  // instrument has none; and the engine's stream renderer for up to max_streams streams,
  // whose params are a latent-map point (x, y) and whose tag is the class.
  virtual int stream_chunk_frames() const { return 0; }
  virtual StreamRenderer stream_renderer(int max_streams) { return {}; }
};

}  // namespace ngsynth::live
