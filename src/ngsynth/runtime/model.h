// A trained model as the synthesis runtime plays it, without LibTorch: options, classes,
// latent map, the grain decoder and (when trained) the event decoder, built from the
// runtime weights (named float32 tensors) that `ngsynth export` writes into the model file
// (header key "runtime_weights": which blob, how many tensors). Immutable: shared by every
// thread, voice and stream through a std::shared_ptr<const Model>.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ngsynth/spec/event_prior.h"
#include "ngsynth/spec/latent_map.h"
#include "ngsynth/spec/options.h"
#include "ngsynth/runtime/event_decoder.h"
#include "ngsynth/runtime/grain_decoder.h"
#include "ngsynth/runtime/grain_encoder.h"
#include "ngsynth/runtime/tensor_set.h"
#include "ngsynth/util/error.h"

namespace ngsynth::rt {

// The model file's magic and format version. 3: every weight once, as named tensors
// (float32 or float16), which both LibTorch and the runtime read; 2: LibTorch archives plus
// a copy of the synthesis path's tensors (runtime weights, counter-based noise); 1: LibTorch
// archives only. All three are read.
inline constexpr const char* kModelMagic = "NGSMODEL";
inline constexpr uint32_t kModelFormatVersion = 3;

// Where a model file keeps what: blob indices, and the named tensors' storage.
struct ModelLayout {
  uint32_t version = kModelFormatVersion;
  std::optional<std::size_t> weights;  // named tensors: all weights (3), synthesis path (2), none (1)
  Storage storage = Storage::float32;
  std::size_t map = 1, prior = 2, classifier = 3;
  // Format 1 and 2: the LibTorch archives of the grain and event levels.
  std::size_t torch_grain = 0, torch_event = 1;
};
// Format 3: header "weights" {blob, tensors, storage, noise}, blobs weights | map points |
// prior posteriors | classifier; earlier: LibTorch grain | event | map | prior | classifier
// | (2) runtime weights, named by the header's "runtime_weights". Error when inconsistent.
ModelLayout model_layout(const nlohmann::json& header, uint32_t version, std::size_t blobs);

class Model {
 public:
  // `prior`: the class priors of the event embedding (spec/event_prior.h); empty: N(0, I).
  Model(GrainOptions grain, std::vector<std::string> classes, std::optional<EventOptions> event,
        LatentMap map, const TensorSet& weights, Precision precision = Precision::single,
        EventPrior prior = {});

  const GrainOptions& grain() const { return grain_; }
  const std::vector<std::string>& classes() const { return classes_; }
  int n_classes() const { return decoder_.n_classes(); }  // conditioning width, 0 if none
  const GrainDecoder& decoder() const { return decoder_; }
  bool has_event() const { return event_.has_value(); }
  // The event decoder / latent map; an Error telling how to make one when absent.
  const EventDecoder& event() const;
  const LatentMap& map() const;
  bool has_map() const { return !map_.empty(); }
  // The grain encoder (spectral encoder models only; nullptr for the paper preset's).
  const GrainEncoder* encoder() const { return encoder_ ? &*encoder_ : nullptr; }

  // One-hot class weights (all zero without classes); Error when out of range.
  std::vector<float> one_hot(int class_index) const;
  // (1 - t) one_hot(a) + t one_hot(b).
  std::vector<float> class_mix(int a, int b, double t) const;
  // An embedding of class `class_index` from the model's event prior at `temperature`,
  // drawn from `seed` (what `ngsynth sample` draws).
  std::vector<float> sample_embedding(int class_index, double temperature, uint64_t seed) const;
  // The event prior, and its level match (EventPrior::match_class).
  const EventPrior& prior() const { return prior_; }
  // A latent series (n x z_dim) to exactly `length` samples, noise from `seed`.
  std::vector<float> render(const std::vector<float>& series, const std::vector<float>& classes,
                            uint64_t seed, int64_t length) const;
  // An embedding with class weights to one event of the model's event length.
  std::vector<float> render_event(const std::vector<float>& embedding,
                                  const std::vector<float>& classes, uint64_t seed) const;

 private:
  GrainOptions grain_;
  std::vector<std::string> classes_;
  LatentMap map_;
  EventPrior prior_;
  GrainDecoder decoder_;
  std::optional<EventDecoder> event_;
  std::optional<GrainEncoder> encoder_;
};

// A model file without runtime weights (format version 1, written before the runtime).
class NoRuntimeWeights : public Error {
 public:
  using Error::Error;
};

// Reads a model file without LibTorch. A file without runtime weights (format version 1)
// is a NoRuntimeWeights error, malformed ones an Error; both one line naming the file.
// `prior` replaces the file's default event prior (EventPrior::select).
std::shared_ptr<const Model> load_model(const std::filesystem::path& path,
                                        Precision precision = Precision::single,
                                        std::optional<PriorKind> prior = {});

}  // namespace ngsynth::rt
