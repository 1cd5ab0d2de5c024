// The drum classifier that judges what ngsynth generates: does a sampled "kick" sound like
// a kick? A small CNN in the manner of the audio-tagging baselines (log-mel frames, three
// conv blocks, pooling over time; cf. the VGGish-style models FAD is computed with), trained
// on the real events of the dataset's training split. Its accuracy on the real test events
// is the ceiling a generated sound is held to; its penultimate layer (`embedding`) is the
// space in which the Frechet distance of generated to real events is measured.
//
// Input events are peak-normalised first, so level does not decide the class (loudness is
// measured on its own). Training augments with small time shifts and low-level noise.
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ngsynth/data/dataset.h"
#include "ngsynth/spec/options.h"

namespace ngsynth {

struct ClassifierOutput {
  torch::Tensor logits;     // (B, n_classes)
  torch::Tensor embedding;  // (B, embed_dim)
};

class DrumClassifierImpl : public torch::nn::Module {
 public:
  DrumClassifierImpl(ClassifierOptions options, int sample_rate, int n_classes);

  const ClassifierOptions& options() const { return options_; }
  int sample_rate() const { return sample_rate_; }
  int n_classes() const { return n_classes_; }

  // audio (B, samples) at sample_rate() -> standardised log-mel (B, 1, n_mels, frames).
  torch::Tensor features(const torch::Tensor& audio) const;
  ClassifierOutput forward(const torch::Tensor& audio);
  // Per-band statistics of the training features, kept as buffers.
  void set_feature_stats(const torch::Tensor& mean, const torch::Tensor& stddev);

 private:
  ClassifierOptions options_;
  int sample_rate_, n_classes_;
  torch::nn::Sequential convs_{nullptr};
  torch::nn::Linear embed_{nullptr}, head_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  torch::Tensor mel_, window_, feat_mean_, feat_std_;
};
TORCH_MODULE(DrumClassifier);

// A trained classifier with the names of its classes and how well it does on real events.
struct Classifier {
  DrumClassifier net{nullptr};
  std::vector<std::string> classes;
  nlohmann::json info = nlohmann::json::object();  // test accuracy, per class, dataset, ...

  bool empty() const { return net.is_empty(); }
  // Class probabilities' argmax and embeddings of a set of events (N, samples), in chunks,
  // without autograd.
  struct Result {
    std::vector<int> predicted;  // (N) classifier class indices
    torch::Tensor embedding;     // (N, embed_dim) float64 on the CPU
  };
  Result classify(const torch::Tensor& audio) const;
  int class_of(const std::string& name) const;  // index, or -1 when unknown
};

// Mel filterbank (n_mels, n_fft/2 + 1), triangular filters on the HTK mel scale.
torch::Tensor mel_filterbank(int sample_rate, int n_fft, int n_mels, double f_min);

// Trains on the dataset's training split, reports accuracy on its test split in `info`.
// progress(step, steps, loss) is called now and then.
Classifier train_classifier(const Dataset& data, const ClassifierOptions& options,
                            const std::function<void(int, int, double)>& progress = {});

// The classifier as the blob and header entry of a model file or a .ngk file.
std::string classifier_bytes(const Classifier& c);
nlohmann::json classifier_header(const Classifier& c);
Classifier load_classifier_blob(const nlohmann::json& header, const std::string& bytes,
                                const std::filesystem::path& origin);

// A classifier file (.ngk), written atomically.
void save_classifier(const std::filesystem::path& path, const Classifier& c);
Classifier load_classifier(const std::filesystem::path& path);

// The classifier of a dataset: read from the cache file beside it ("drums.ngd" ->
// "drums.classifier.ngk") when that was trained on the same data with the same options,
// otherwise trained (about a minute on a CPU) and cached. log(line) reports what happens.
Classifier dataset_classifier(const std::filesystem::path& data_path, const Dataset& data,
                              const ClassifierOptions& options,
                              const std::function<void(const std::string&)>& log = {});
std::filesystem::path classifier_cache_path(const std::filesystem::path& data_path);

}  // namespace ngsynth
