#include "ngsynth/spec/options.h"

#include <nlohmann/json.hpp>

#include "ngsynth/util/error.h"
#include "ngsynth/util/json_fields.h"

namespace ngsynth {
using nlohmann::json;

namespace {

bool is_power_of_two(int v) { return v > 0 && (v & (v - 1)) == 0; }

void require(bool ok, const std::string& field, const std::string& why) {
  if (!ok) throw Error("option " + field + ": " + why);
}


template <typename Visit>
void visit_grain(GrainOptions& o, Visit&& v) {
  v("preset", o.preset);
  v("sample_rate", o.sample_rate);
  v("grain", o.grain);
  v("hop", o.hop);
  v("n_grains", o.n_grains);
  v("flat_edges", o.flat_edges);
  v("encoder", o.encoder);
  v("conv_channels", o.conv_channels);
  v("conv_stages", o.conv_stages);
  v("encoder_hidden", o.encoder_hidden);
  v("z_dim", o.z_dim);
  v("decoder_hidden", o.decoder_hidden);
  v("decoder_layers", o.decoder_layers);
  v("conditional", o.conditional);
  v("class_film", o.class_film);
  v("n_classes", o.n_classes);
  v("post_filter_taps", o.post_filter_taps);
  v("tonal", o.tonal);
  v("tonal_oversample", o.tonal_oversample);
  v("stft_scales", o.stft_scales);
  v("log_weight", o.log_weight);
  v("log_eps", o.log_eps);
  v("filter_loss_weight", o.filter_loss_weight);
}

template <typename Visit>
void visit_train(TrainOptions& o, Visit&& v) {
  v("batch_size", o.batch_size);
  v("lr", o.lr);
  v("lr_final", o.lr_final);
  v("max_steps", o.max_steps);
  v("max_minutes", o.max_minutes);
  v("fit_schedule", o.fit_schedule);
  v("beta_max", o.beta_max);
  v("beta_start", o.beta_start);
  v("beta_warmup", o.beta_warmup);
  v("eval_every", o.eval_every);
  v("patience", o.patience);
  v("checkpoint_minutes", o.checkpoint_minutes);
  v("threads", o.threads);
  v("seed", o.seed);
}

template <typename Visit>
void visit_event(EventOptions& o, Visit&& v) {
  v("rnn", o.rnn);
  v("hidden", o.hidden);
  v("embed_dim", o.embed_dim);
  v("free_bits", o.free_bits);
}

template <typename Visit>
void visit_classifier(ClassifierOptions& o, Visit&& v) {
  v("n_fft", o.n_fft);
  v("n_mels", o.n_mels);
  v("f_min", o.f_min);
  v("channels", o.channels);
  v("embed_dim", o.embed_dim);
  v("steps", o.steps);
  v("batch_size", o.batch_size);
  v("lr", o.lr);
  v("dropout", o.dropout);
  v("seed", o.seed);
}

}  // namespace

void GrainOptions::validate() const {
  require(sample_rate >= 4000 && sample_rate <= 192000, "sample_rate", "must be 4000..192000");
  require(is_power_of_two(grain) && grain >= 64, "grain", "must be a power of two >= 64");
  require(hop > 0 && hop <= grain && grain % hop == 0, "hop", "must divide grain");
  require(n_grains >= 2, "n_grains", "must be >= 2");
  if (encoder == Encoder::conv) {
    require(conv_stages >= 1 && (grain >> (2 * conv_stages)) >= 1, "conv_stages",
            "too many stride-4 stages for the grain length");
    require(conv_channels > 0, "conv_channels", "must be > 0");
  }
  require(encoder_hidden > 0 && z_dim > 0, "z_dim", "sizes must be > 0");
  require(decoder_hidden > 0 && decoder_layers >= 1, "decoder_layers", "must be >= 1");
  require(n_classes >= 0, "n_classes", "must be >= 0");
  require(!class_film || conditional, "class_film", "needs conditional = true");
  require(post_filter_taps == 0 || post_filter_taps % 2 == 1, "post_filter_taps",
          "must be 0 or odd");
  require(!stft_scales.empty(), "stft_scales", "needs at least one FFT size");
  for (int s : stft_scales)
    require(is_power_of_two(s) && s >= 16 && s <= event_length(), "stft_scales",
            "each must be a power of two between 16 and the event length");
  require(log_weight >= 0 && log_eps > 0, "log_eps", "must be > 0");
  require(filter_loss_weight >= 0, "filter_loss_weight", "must be >= 0");
  require(filter_loss_weight == 0 || !tonal, "filter_loss_weight",
          "needs tonal = false (the grain's magnitudes do not say which branch makes a bin)");
  require(is_power_of_two(tonal_oversample) && tonal_oversample <= 16, "tonal_oversample",
          "must be a power of two in 1..16");
}

void TrainOptions::validate() const {
  require(batch_size >= 1, "batch_size", "must be >= 1");
  require(lr > 0 && lr_final > 0 && lr_final <= lr, "lr_final", "must be in (0, lr]");
  require(max_steps >= 1, "max_steps", "must be >= 1");
  require(max_minutes >= 0, "max_minutes", "must be >= 0");
  require(beta_max >= 0, "beta_max", "must be >= 0");
  require(beta_start >= 0 && beta_warmup >= 0 && beta_start + beta_warmup <= 1, "beta_warmup",
          "beta_start + beta_warmup must be within [0, 1]");
  require(eval_every >= 1, "eval_every", "must be >= 1");
  require(patience >= 0, "patience", "must be >= 0 (0 = never stop early)");
  require(checkpoint_minutes > 0, "checkpoint_minutes", "must be > 0");
  require(threads >= 0, "threads", "must be >= 0");
}

void EventOptions::validate() const {
  require(hidden > 0, "hidden", "must be > 0");
  require(embed_dim > 0, "embed_dim", "must be > 0");
  require(free_bits >= 0, "free_bits", "must be >= 0");
}

void ClassifierOptions::validate() const {
  require(is_power_of_two(n_fft) && n_fft >= 64 && n_fft <= 16384, "n_fft",
          "must be a power of two in 64..16384");
  require(n_mels >= 8 && n_mels <= 256, "n_mels", "must be 8..256");
  require(f_min >= 0, "f_min", "must be >= 0");
  require(channels >= 1 && channels <= 512, "channels", "must be 1..512");
  require(embed_dim >= 2 && embed_dim <= 1024, "embed_dim", "must be 2..1024");
  require(steps >= 1, "steps", "must be >= 1");
  require(batch_size >= 1, "batch_size", "must be >= 1");
  require(lr > 0, "lr", "must be > 0");
  require(dropout >= 0 && dropout < 1, "dropout", "must be in [0, 1)");
}

const TrainOptions& Preset::train_for(Stage stage) const {
  switch (stage) {
    case Stage::grain: return train;
    case Stage::temporal: return temporal_train;
    case Stage::joint: return joint_train;
  }
  throw Error("unknown stage");
}

void to_json(json& j, Encoder e) { j = enum_name(e); }
void from_json(const json& j, Encoder& e) { e = json_value<Encoder>(j, "encoder"); }
void to_json(json& j, Cell c) { j = enum_name(c); }
void from_json(const json& j, Cell& c) { c = json_value<Cell>(j, "rnn"); }
void to_json(json& j, Stage s) { j = enum_name(s); }
void from_json(const json& j, Stage& s) { s = json_value<Stage>(j, "stage"); }

Stage parse_stage(const std::string& name) {
  const auto s = enum_from_name<Stage>(name);
  if (!s) throw Error("unknown stage '" + name + "' (valid: " + enum_choices<Stage>() + ")");
  return *s;
}

Preset make_preset(const std::string& name) {
  Preset p;
  // The tonal bank, when on: 4 times the grain's frequency resolution (3.9 Hz at 16 kHz),
  // which places the body of a kick or a tom within 2 Hz of its pitch. (Files without the
  // key are of the plain decoder, or of the first tonal bank, on the grain's own bins.)
  p.grain.tonal_oversample = 4;
  // The event VAE trains on cached latent series: many cheap steps.
  TrainOptions& et = p.temporal_train;
  et.batch_size = 32;
  et.lr = 1e-3;
  et.lr_final = 1e-5;
  et.max_steps = 6000;
  et.beta_max = 0.01;  // the reference's event-level beta
  et.beta_start = 0.02;
  et.beta_warmup = 0.3;
  et.eval_every = 250;
  et.patience = 8;
  // Joint fine-tuning starts from two trained levels: small steps, short.
  TrainOptions& jt = p.joint_train;
  jt.lr = 1e-4;
  jt.lr_final = 1e-5;
  jt.max_steps = 2000;
  jt.beta_start = 0;
  jt.beta_warmup = 0;
  jt.eval_every = 250;
  if (name == "fast") {
    return p;  // the defaults above are the fast preset
  }
  if (name == "tonal") {
    // The fast preset with the tonal bank beside the noise (beyond the paper), and STFT
    // scales up to 256 ms so that the loss hears a kick's or a tom's pitch (at 64 ms a
    // Hann window's main lobe is 60 Hz wide). Better resyntheses, attacks and partials;
    // sampled bodies sit lower than real ones (README, "The tonal bank").
    p.grain.preset = "tonal";
    p.grain.tonal = true;
    p.grain.stft_scales = {4096, 2048, 1024, 512, 256, 128, 64};
    return p;
  }
  if (name == "paper") {
    GrainOptions& g = p.grain;
    g.preset = "paper";
    g.sample_rate = 22050;
    g.grain = 2048;
    g.hop = 512;
    g.n_grains = 41;
    g.encoder = Encoder::conv;
    g.conv_channels = 128;
    g.conv_stages = 3;
    g.encoder_hidden = 512;
    g.z_dim = 128;
    g.decoder_hidden = 512;
    g.decoder_layers = 3;
    g.stft_scales = {2048, 1024, 512, 256, 128};
    TrainOptions& t = p.train;
    t.batch_size = 24;
    t.lr = 2e-4;
    t.lr_final = 2e-6;
    t.max_steps = 300000;
    t.eval_every = 2000;
    EventOptions& e = p.event;  // the reference's sizes
    e.rnn = Cell::lstm;
    e.hidden = 512;
    e.embed_dim = 256;
    et.max_steps = 30000;
    et.eval_every = 1000;
    jt.batch_size = 24;
    jt.lr = 2e-5;
    jt.lr_final = 2e-6;
    jt.max_steps = 20000;
    jt.eval_every = 2000;
    return p;
  }
  std::string valid;
  for (const auto& n : preset_names()) valid += (valid.empty() ? "" : ", ") + n;
  throw Error("unknown preset '" + name + "' (valid: " + valid + ")");
}

const std::vector<std::string>& preset_names() {
  static const std::vector<std::string> names = {"fast", "paper", "tonal"};
  return names;
}

void to_json(json& j, const GrainOptions& o) {
  j = json::object();
  visit_grain(const_cast<GrainOptions&>(o), [&](const char* k, auto& f) { j[k] = f; });
}

void from_json(const json& j, GrainOptions& o) {
  JsonFieldReader r(j, "grain");
  visit_grain(o, r);
  r.reject_unknown();
}

void to_json(json& j, const TrainOptions& o) {
  j = json::object();
  visit_train(const_cast<TrainOptions&>(o), [&](const char* k, auto& f) { j[k] = f; });
}

void from_json(const json& j, TrainOptions& o) {
  JsonFieldReader r(j, "train");
  visit_train(o, r);
  r.reject_unknown();
}

void to_json(json& j, const EventOptions& o) {
  j = json::object();
  visit_event(const_cast<EventOptions&>(o), [&](const char* k, auto& f) { j[k] = f; });
}

void from_json(const json& j, EventOptions& o) {
  JsonFieldReader r(j, "event");
  visit_event(o, r);
  r.reject_unknown();
}

void to_json(json& j, const ClassifierOptions& o) {
  j = json::object();
  visit_classifier(const_cast<ClassifierOptions&>(o), [&](const char* k, auto& f) { j[k] = f; });
}

void from_json(const json& j, ClassifierOptions& o) {
  JsonFieldReader r(j, "classifier");
  visit_classifier(o, r);
  r.reject_unknown();
}

void apply_overrides(json& j, const std::vector<std::string>& assignments) {
  for (const auto& a : assignments) {
    const auto eq = a.find('=');
    if (eq == std::string::npos || eq == 0)
      throw Error("--set " + a + ": expected key=value");
    const std::string key = a.substr(0, eq);
    const std::string text = a.substr(eq + 1);
    if (!j.contains(key)) throw Error("--set " + a + ": unknown option '" + key + "'");
    json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) value = text;
    j[key] = value;
  }
}

}  // namespace ngsynth
