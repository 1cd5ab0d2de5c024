// What the live front-ends (drum machine, OSC server) ask of a trained model. The
// interface is torch-free: the LibTorch implementation lives with the model code, and the
// tests use deterministic fakes.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ngsynth/live/engine.h"
#include "ngsynth/spec/latent_map.h"
#include "ngsynth/util/error.h"

namespace ngsynth::live {

// What a model makes of a sound (the web page's drop zone).
struct SoundAnalysis {
  int class_index = 0;                          // the class used: the one asked, or the closest
  std::vector<float> resynthesis;               // the sound in the model's style, same length
  std::vector<std::array<float, 2>> map_points; // every grain's latent on the latent map
  int loudest = 0;                              // index of the loudest grain in map_points
  std::vector<std::vector<float>> variations;   // events drawn near the sound's event embedding
};

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
  // Each call returns a renderer with its own stream state (the engine's and a web
  // page's streams do not disturb each other).
  virtual int stream_chunk_frames() const { return 0; }
  virtual StreamRenderer stream_renderer(int max_streams) { return {}; }

  // The latent map whose (x, y) points streams and xy_event play; nullptr when none.
  virtual const LatentMap* latent_map() const { return nullptr; }
  // Analyses a sound at sample_rate(): resynthesis with class_index (-1: the closest
  // class), where its grains lie on the map, and `variations` events whose embeddings are
  // the sound's plus N(0, spread^2) noise (seeded). Error when the instrument cannot.
  virtual SoundAnalysis analyse_sound(std::span<const float> audio, int class_index,
                                      int variations, float spread, uint64_t seed) {
    throw Error("this instrument cannot analyse sounds");
  }
};

}  // namespace ngsynth::live
