// A runtime model as a live instrument (live/instrument.h), without LibTorch: events from
// the prior, random paths, XY points and morphs are pure functions of their arguments over
// the immutable model, and every stream slot owns its GrainStream, so control-thread
// renders and the engine worker's streams run at once with no lock between them.
#pragma once

#include <memory>
#include <vector>

#include "ngsynth/live/instrument.h"
#include "ngsynth/runtime/grain_stream.h"
#include "ngsynth/runtime/model.h"

namespace ngsynth::rt {

class Instrument : public live::Instrument {
 public:
  // Needs an event level (sample, morph) and a latent map (paths, XY points).
  explicit Instrument(std::shared_ptr<const Model> model);

  const Model& model() const { return *model_; }
  int sample_rate() const override;
  const std::vector<std::string>& classes() const override;
  int event_frames() const override;
  std::vector<float> sample_event(int class_index, uint64_t seed, float temperature) override;
  std::vector<float> sample_path(int class_index, int64_t frames, uint64_t seed) override;
  std::vector<float> xy_event(int class_index, float x, float y, int64_t frames,
                              uint64_t seed) override;
  std::vector<float> morph_event(int class_a, int class_b, float t, uint64_t seed) override;

  // Params: an (x, y) map point; tag: the class. One GrainStream per slot, reset at a
  // stream's chunk 0 with the seed mix_seed(tag, start_frame). Chunks are one hop.
  live::StreamRenderer stream_renderer(int max_streams) override;
  int stream_chunk_frames() const override { return model_->grain().hop; }
  const LatentMap* latent_map() const override { return &model_->map(); }

 private:
  struct Slot {
    Slot(const GrainDecoder& d) : stream(d, 0), z(d.options().z_dim), classes(d.n_classes()) {}
    GrainStream stream;
    std::vector<float> z, classes;
  };
  std::shared_ptr<const Model> model_;
  std::vector<std::unique_ptr<Slot>> slots_;
};

}  // namespace ngsynth::rt
