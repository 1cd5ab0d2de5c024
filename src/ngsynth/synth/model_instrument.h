// A trained model as a live instrument (live/instrument.h): what the drum machine and the
// OSC server ask for, rendered by the generative processes of synth/. Also the stream
// renderer that plays a latent map point as an endless grain stream (synth/grain_stream.h)
// in the live engine. Calls are serialised by a mutex: the control and worker threads may
// both ask.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "ngsynth/live/engine.h"
#include "ngsynth/live/instrument.h"
#include "ngsynth/model/model_file.h"
#include "ngsynth/synth/grain_stream.h"

namespace ngsynth {

class ModelInstrument : public live::Instrument {
 public:
  // `model` must outlive the instrument; it needs an event level (sample, morph) and a
  // latent map (paths, XY points).
  explicit ModelInstrument(Model& model);

  int sample_rate() const override;
  const std::vector<std::string>& classes() const override;
  int event_frames() const override;
  std::vector<float> sample_event(int class_index, uint64_t seed, float temperature) override;
  std::vector<float> sample_path(int class_index, int64_t frames, uint64_t seed) override;
  std::vector<float> xy_event(int class_index, float x, float y, int64_t frames,
                              uint64_t seed) override;
  std::vector<float> morph_event(int class_a, int class_b, float t, uint64_t seed) override;

  // Streams for live::Engine: params are an (x, y) map point, the stream's tag its class.
  // Holds one GrainStream per stream slot (max_streams), reset at each stream's chunk 0.
  // The engine's stream_chunk_frames must be the model's hop.
  // Each renderer holds its own GrainStreams.
  live::StreamRenderer stream_renderer(int max_streams) override;
  int stream_chunk_frames() const override { return model_.info.grain.hop; }

  const LatentMap* latent_map() const override { return &model_.info.map; }
  // Resynthesis (autoencode), the grains' posterior means projected on the map, and
  // variations: encode_event's embedding + spread * N(0, I), rendered with the class.
  live::SoundAnalysis analyse_sound(std::span<const float> audio, int class_index,
                                    int variations, float spread, uint64_t seed) override;

 private:
  Model& model_;
  std::mutex mutex_;
};

}  // namespace ngsynth
