// Every setting of the grain VAE and of its training, in two plain structs that are written
// as JSON into every checkpoint and model file. The CLI fills these same structs: a preset
// by name, then `--set key=value` overrides of any field. Torch-free on purpose, so the
// data layer and tools can read a model's settings without LibTorch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "ngsynth/util/enum_names.h"

namespace ngsynth {

// The grain encoder: strided convolutions and dilated residual blocks over the waveform
// (the paper's), or an MLP over each grain's log-magnitude spectrum.
enum class Encoder { conv, spectral };
// The event VAE's recurrent cell.
enum class Cell { gru, lstm };
// The training stages, in order: the grain VAE, the event VAE on its frozen latents, and
// both levels fine-tuned together.
enum class Stage { grain, temporal, joint };
NGSYNTH_ENUM_NAMES(Encoder, "conv", "spectral");
NGSYNTH_ENUM_NAMES(Cell, "gru", "lstm");
NGSYNTH_ENUM_NAMES(Stage, "grain", "temporal", "joint");
// As their names in JSON; from_json throws Error listing the names.
void to_json(nlohmann::json& j, Encoder e);
void from_json(const nlohmann::json& j, Encoder& e);
void to_json(nlohmann::json& j, Cell c);
void from_json(const nlohmann::json& j, Cell& c);
void to_json(nlohmann::json& j, Stage s);
void from_json(const nlohmann::json& j, Stage& s);
// The stage named `name`; Error "unknown stage 'x' (valid: grain, temporal or joint)".
Stage parse_stage(const std::string& name);

// The grain-level VAE (Bitton et al. 2020, section 3.1): audio framing, architecture, loss.
struct GrainOptions {
  std::string preset          = "fast";
  // Audio framing. One event = (n_grains - 1) * hop + grain samples.
  int sample_rate             = 16000;
  int grain                   = 1024;   // grain length, samples (power of two)
  int hop                     = 256;    // grain/4: 75 % overlap
  int n_grains                = 41;
  bool flat_edges             = true;   // first/last half-windows flat, keeps attacks
  Encoder encoder             = Encoder::spectral;
  int conv_channels           = 128;
  int conv_stages             = 3;      // stride-4 stages, each followed by 3 residual blocks
  int encoder_hidden          = 512;
  int z_dim                   = 128;
  // Decoder: MLP (z [+ one-hot class]) -> grain/2+1 filter magnitudes shaping noise
  // (and as many tonal magnitudes with `tonal`).
  int decoder_hidden          = 512;
  int decoder_layers          = 3;
  bool conditional            = true;   // concatenate the one-hot class to z
  // The class also scales and shifts every hidden layer of the decoder after its LayerNorm
  // (FiLM, Perez et al. 2018): h (1 + gamma_c) + beta_c, learned per class, zero at the
  // start. Needs `conditional`. false = the one-hot at the input only.
  bool class_film             = false;
  int n_classes               = 0;      // set from the dataset
  int post_filter_taps        = 65;     // learned FIR over the whole waveform; 0 = none
  // A deterministic branch beside the noise (beyond the paper): the decoder also gives
  // grain/2+1 tonal magnitudes, sinusoids whose phases run on from grain to grain
  // (runtime/tonal_bank.h), for the pitched bodies of kicks and toms and for clicks at the
  // onset, which filtered noise blurs. false = the paper's decoder.
  bool tonal                  = false;
  int tonal_oversample        = 1;      // the sinusoids lie sample_rate / (grain x this)
                                        // apart (both presets: 4)
  // Multi-scale spectral loss: FFT sizes (hop = size/4), linear + log magnitudes.
  std::vector<int> stft_scales = {1024, 512, 256, 128, 64};
  double log_weight           = 1.0;
  double log_eps              = 1e-5;
  // Weight of a second, noise-free loss on the decoder's filter (beyond the paper): each
  // grain's smoothed noise magnitudes against that grain's exact windowed magnitudes,
  // scaled so that filtered noise of those magnitudes comes out as loud as the grain
  // (model/spectral.h, filter_magnitude_distance). The output loss judges one random draw
  // of noise; this one sees the filter itself. Needs tonal = false. 0 = the paper's loss.
  double filter_loss_weight   = 0.0;

  int event_length() const { return (n_grains - 1) * hop + grain; }
  int n_bins() const { return grain / 2 + 1; }
  // Width of the decoder's output: noise magnitudes, then the tonal ones when tonal.
  int decoder_outputs() const { return tonal ? 2 * n_bins() : n_bins(); }
  // Throws Error naming the first invalid field.
  void validate() const;
};

// Optimisation schedule of one training stage.
struct TrainOptions {
  int batch_size              = 16;     // events per step
  double lr                   = 1e-3;
  double lr_final             = 1e-5;   // exponential decay reaches this at max_steps
  int64_t max_steps           = 20000;  // about an hour on 2 CPU cores
  double max_minutes          = 0;      // 0 = no time limit
  bool fit_schedule           = true;   // with max_minutes: max_steps shrunk to fit it
  double beta_max             = 0.003;  // KL weight after warm-up
  double beta_start           = 0.1;    // fraction of max_steps with beta = 0
  double beta_warmup          = 0.5;    // fraction of max_steps to reach beta_max
  int eval_every              = 500;    // steps between test-split evaluations
  int patience                = 8;      // evaluations without improvement before stopping
  double checkpoint_minutes   = 2.0;    // at most this much work is lost to a kill
  int threads                 = 0;      // 0 = all cores
  uint64_t seed               = 1;

  void validate() const;
};

// The event-level ("temporal") VAE over series of grain latents (Bitton et al. 2020,
// sec. 3.2): per-step MLP + recurrent encoder to one embedding, recurrent decoder back.
struct EventOptions {
  Cell rnn                    = Cell::gru;
  int hidden                  = 256;    // width of the MLPs and of the recurrent state
  int embed_dim               = 64;     // event embedding
  // Free bits (Kingma et al. 2016): each embedding dimension's batch-mean KL below this
  // many nats costs nothing, so the encoder has no reason to collapse the embedding
  // (the reference's event KL fell to ~0.07 nats and the class alone decided the output).
  double free_bits            = 0.1;

  void validate() const;
};

// The drum classifier that judges generated sounds (model/classifier.h): a small CNN over
// log-mel frames of a peak-normalised event, trained on the training split.
struct ClassifierOptions {
  int n_fft                   = 1024;   // at the dataset's rate; hop n_fft/4
  int n_mels                  = 64;
  double f_min                = 30;     // Hz; f_max is half the sample rate
  int channels                = 32;     // of the first conv block, doubled per block (3)
  int embed_dim               = 32;     // the embedding the Frechet distance is taken on
  int steps                   = 1500;
  int batch_size              = 32;
  double lr                   = 1e-3;
  double dropout              = 0.2;
  uint64_t seed               = 1;

  void validate() const;
};

// A preset holds the settings of every stage: the grain VAE and its training, the event
// VAE and its training ("temporal"), and the joint fine-tuning of both ("joint").
struct Preset {
  GrainOptions grain;
  TrainOptions train;
  EventOptions event;
  TrainOptions temporal_train;
  TrainOptions joint_train;
  const TrainOptions& train_for(Stage stage) const;
};

// "fast" or "paper"; throws Error listing the valid names otherwise.
Preset make_preset(const std::string& name);
const std::vector<std::string>& preset_names();

void to_json(nlohmann::json& j, const GrainOptions& o);
void from_json(const nlohmann::json& j, GrainOptions& o);  // unknown keys are errors
void to_json(nlohmann::json& j, const TrainOptions& o);
void from_json(const nlohmann::json& j, TrainOptions& o);
void to_json(nlohmann::json& j, const EventOptions& o);
void from_json(const nlohmann::json& j, EventOptions& o);
void to_json(nlohmann::json& j, const ClassifierOptions& o);
void from_json(const nlohmann::json& j, ClassifierOptions& o);

// Applies "key=value" overrides (value parsed as JSON, else taken as a string) to a JSON
// object; throws Error naming the key when it does not exist in `j`.
void apply_overrides(nlohmann::json& j, const std::vector<std::string>& assignments);

}  // namespace ngsynth
