// Does a sampled kick sound like a kick? What a listener notices about a drum generator,
// measured with the drum classifier (model/classifier.h) and simple level statistics:
//   real accuracy      the classifier on the real events of the split (the ceiling)
//   sampled accuracy   events sampled per class (event prior, temperature T) assigned to
//                      the class they were sampled for
//   resynth accuracy   the split's events through the grain path, decoded with their class
//                      (`resynth_draws` noise draws of each, all judged), each scaled to
//                      its event's loudness as `resynth` does (audio/levels.h, match_level)
//   phaseless accuracy the split's events rebuilt from their exact STFT magnitudes (a
//                      Hann window of the model's grain, its hop) with random phases, as
//                      many draws: what a decoder of filtered noise at this grain size
//                      could keep at best, the yardstick of the resynthesis accuracy
//   noise accuracy     the split's events as the decoder would make them from their exact
//                      grain magnitudes: the decoder's own uniform noise, each grain's
//                      spectrum multiplied by exact_filter (model/spectral.h), overlap-
//                      added at the model's framing: what this decoder's noise keeps when
//                      the model is exact, so resynth below noise is the model's error
//   events             per real event of the split, how it, its resyntheses and both
//                      yardsticks were heard: which sounds the model loses
//   Frechet distance   between Gaussians fitted to the classifier embeddings of real events
//                      and of samples (as FAD, Kilgour et al. 2019, does with VGGish): low
//                      when samples are both realistic and as varied as real events. Its
//                      yardstick is the distance between two halves of the real events.
//   intervals          95 % Wilson intervals of the accuracies: per class the test split
//                      holds 3 to 16 events, so one event moves a class's figure 6 to 33
//                      points. A resynthesis's n is its events, not its draws (the draws
//                      of one event are not independent judgements).
//   levels             median RMS and peak (dBFS) and decay time (from the peak of the
//                      10 ms RMS envelope to its last frame within 20 dB of it)
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ngsynth/data/dataset.h"
#include "ngsynth/model/model_file.h"

namespace ngsynth {

struct FidelityOptions {
  int samples = 32;          // sampled events per class
  double temperature = 0.5;  // of the event prior (the `sample` default)
  int resynth_draws = 4;     // noise draws decoded and judged per real event
  bool keep_level = true;    // resyntheses at their event's loudness (false: the raw decoder's)
  uint64_t seed = 1234;
};

struct Levels {  // medians over a set of events
  double rms_db = NAN, peak_db = NAN, decay_ms = NAN;
  double silent_tail = NAN;  // fraction of events whose last 10 ms are digital zeros
  double pitch_hz = NAN;     // the body's pitch (audio/levels.h)
};

// A 95 % confidence interval of a proportion.
struct Interval {
  double lo = NAN, hi = NAN;
};
// Wilson's score interval of a proportion p observed over n trials (NaN for n = 0).
Interval wilson_interval(double p, int n);

struct FidelityRow {
  std::string name;  // class, or "all"
  int real_events = 0, sampled_events = 0;
  double real_accuracy = NAN, sampled_accuracy = NAN, resynth_accuracy = NAN;
  double phaseless_accuracy = NAN, noise_accuracy = NAN;
  Interval real_interval, sampled_interval, resynth_interval, phaseless_interval, noise_interval;
  double frechet = NAN, frechet_halves = NAN;  // NaN where too few real events (< 8)
  // Median distance between each real event's body pitch and its resynthesis's, semitones.
  double resynth_pitch_error = NAN;
  Levels real, sampled, resynth;
  std::vector<int> heard_as;          // sampled events assigned to each classifier class
  std::vector<int> resynth_heard_as;  // the same for the resyntheses of the real events
};

// One real event of the split: how the classifier heard it, its resyntheses and its
// yardsticks' draws (classifier class indices).
struct FidelityEvent {
  std::string source;  // as in the dataset
  std::string name;    // its class
  int truth = -1;      // its class, as the classifier's index
  int real = -1;
  std::vector<int> resynth, phaseless, noise;
};

struct FidelityReport {
  std::vector<FidelityRow> classes;
  std::vector<FidelityEvent> events;
  FidelityRow overall;
  std::vector<std::string> classifier_classes;
  FidelityOptions options;
  std::string prior;  // the event prior sampled from
  nlohmann::json to_json() const;
  std::string table() const;
};

// Every measure on `split` of `data`; samples need an event level (NaN without one).
FidelityReport evaluate_fidelity(Model& model, const Classifier& classifier, const Dataset& data,
                                 Split split, const FidelityOptions& options);

// Frechet distance between Gaussians fitted to the rows of a (n, d) and b (m, d), float64;
// rows of b weighted by wb (m, summing to 1) when given.
double frechet_distance(const torch::Tensor& a, const torch::Tensor& b,
                        const torch::Tensor& wb = {});

// The events (N, samples) rebuilt from their STFT magnitudes (Hann window of `frame`
// samples, `hop`) with phases drawn uniformly from `gen`, each at its original's RMS:
// (N, samples).
torch::Tensor phaseless(const torch::Tensor& audio, int frame, int hop, at::Generator& gen);

// The events (N, samples), T == framing.length_for(n), made as the noise decoder makes
// them from their exact grain magnitudes (exact_filter, uncapped): uniform noise from `gen`, each
// grain's spectrum multiplied by its target, overlap-added; each at its original's RMS.
torch::Tensor noise_rebuild(const torch::Tensor& audio, const GrainFraming& framing,
                            at::Generator& gen);

// Levels of a set of events (N, samples) at `sample_rate`.
Levels measure_levels(const torch::Tensor& audio, int sample_rate);

}  // namespace ngsynth
