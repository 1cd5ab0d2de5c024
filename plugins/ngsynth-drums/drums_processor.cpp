#include "drums_processor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "drum_voices.h"
#include "pad_stream.h"
#include "rate_converter.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"

namespace ngsynth::drums {

namespace {
constexpr int kMaxVoices = 32;
constexpr double kStealFadeMs = 5.0;

// A uniform number in [0, 1) from a seed and a counter (the variation draw of a note).
double unit(uint64_t seed, uint64_t n) {
  return static_cast<double>(mix_seed(seed, n) >> 11) * 0x1.0p-53;
}
}  // namespace

ParamInfo param_info(int index) {
  static const char* level_symbols[] = {"level_kick", "level_snare", "level_clap", "level_hihat",
                                        "level_tom",  "level_crash", "level_ride", "level_perc"};
  static const char* level_names[] = {"Kick level", "Snare level", "Clap level", "Hihat level",
                                      "Tom level",  "Crash level", "Ride level", "Perc level"};
  switch (index) {
    case kTemperature: return {"temperature", "Temperature", 0.0f, 3.0f, 1.0f, false, false};
    case kVariation: return {"variation", "Variation", 0.0f, 1.0f, 0.0f, false, false};
    case kSeed: return {"seed", "Seed", 0.0f, 9999.0f, 0.0f, true, false};
    case kNewKit: return {"new_kit", "New kit", 0.0f, 1.0f, 0.0f, false, true};
    case kPadX: return {"pad_x", "Pad X", 0.0f, 1.0f, 0.5f, false, false};
    case kPadY: return {"pad_y", "Pad Y", 0.0f, 1.0f, 0.5f, false, false};
    case kPadClass: return {"pad_class", "Pad class", 0.0f, 15.0f, 0.0f, true, false};
    default: {
      const int k = std::clamp(index - kLevelFirst, 0, static_cast<int>(kLevelGroups.size()) - 1);
      return {level_symbols[k], level_names[k], 0.0f, 2.0f, 1.0f, false, false};
    }
  }
}

// One model's sounds at one host rate, with the voices that play them. Immutable but for
// the audio thread's counters.
struct DrumsProcessor::Session {
  Session(std::shared_ptr<const rt::Model> model, const NoteMap& map, const KitSettings& k, double host_rate,
          uint64_t generation)
      : gen(generation) {
    if (!model) return;  // silent
    kit = std::make_unique<Kit>(std::move(model), map, k);
    const int fade = std::max(1, static_cast<int>(std::lround(kStealFadeMs * kit->sample_rate() / 1000.0)));
    voices = std::make_unique<DrumVoices>(kMaxVoices, kit->max_frames(), fade);
    conv = std::make_unique<RateConverter>(kit->sample_rate(), static_cast<int>(std::lround(host_rate)),
                                           &DrumsProcessor::pull, this);
    lead = conv->lead_frames();
    latency = static_cast<int>(std::lround(lead * host_rate / kit->sample_rate()));
    pad_note = map.pad_note;
    if (kit->model().has_map())
      pad = std::make_unique<PadStream>(kit->model_ptr(), lead + 1024, fade);
  }
  bool idle() const { return (!voices || voices->busy() == 0) && (!pad || !pad->sounding()); }

  uint64_t gen;
  std::unique_ptr<Kit> kit;
  std::unique_ptr<DrumVoices> voices;
  std::unique_ptr<RateConverter> conv;
  std::unique_ptr<PadStream> pad;  // null without a latent map
  int pad_note = -1;
  int lead = 0, latency = 0;
  int64_t host_frame = 0;   // host frames produced
  int64_t model_frame = 0;  // model frames pulled by the converter
  uint64_t notes = 0;       // notes played (the variation draw's counter)
  int64_t idle_frames = 0;  // host frames since its voices went silent (once replaced)
};

DrumsProcessor::DrumsProcessor() {
  for (int i = 0; i < kParamCount; ++i) params_[static_cast<std::size_t>(i)].store(param_info(i).def);
  mix_.assign(static_cast<std::size_t>(max_block_), 0.0f);
  {
    std::lock_guard lk(build_mu_);
    rebuild_locked();
  }
  builder_ = std::thread([this] { builder_main(); });
}

DrumsProcessor::~DrumsProcessor() {
  quit_.store(true);
  builder_.join();
  delete pending_.exchange(nullptr);
  delete retired_.exchange(nullptr);
  delete current_;
  delete old_;
}

void DrumsProcessor::prepare(double host_rate, int max_block) {
  std::lock_guard lk(build_mu_);
  max_block_ = std::max(1, max_block);
  // The audio thread is stopped while the host prepares: the scratch may be replaced.
  if (mix_.size() < static_cast<std::size_t>(max_block_)) mix_.assign(static_cast<std::size_t>(max_block_), 0.0f);
  // A fresh Session unless the newest one is still unplayed at this rate: its timeline
  // (host frame 0 = the first block it plays) fixes how note frames round to the model's
  // rate, so a bounce after activation is the same whatever the plugin played before.
  if (host_rate != host_rate_ || playing_gen_.load() == built_gen_.load()) {
    host_rate_ = host_rate;
    rebuild_locked();
  }
  // Said once per activation, outside the audio thread, when the state names no model.
  if (!model_ && model_path_.empty()) std::fprintf(stderr, "ngsynth-drums: %s\n", model_error_.c_str());
}

std::string DrumsProcessor::set_model(const std::string& path) {
  std::shared_ptr<const rt::Model> model;
  std::string error;
  if (path.empty()) {
    error = "no model set: ngsynth-drums is silent until a model file (ngsynth export) is chosen";
  } else {
    try {
      model = rt::load_model(path);
      if (!model->has_event())
        throw Error(path + ": has no event level (train --stage temporal, then export)");
    } catch (const std::exception& e) {
      error = std::string(e.what()) + " (ngsynth-drums is silent)";
      model.reset();
    }
  }
  std::lock_guard lk(build_mu_);
  model_ = std::move(model);
  model_path_ = path;
  model_error_ = error;
  try {
    rebuild_locked();
  } catch (const std::exception& e) {
    model_.reset();
    model_error_ = path + ": " + e.what() + " (ngsynth-drums is silent)";
    rebuild_locked();
  }
  // A bad model is said at once; no model at all when the plugin is activated (prepare),
  // since hosts create the plugin first and restore its state after.
  if (!model_error_.empty() && !path.empty()) std::fprintf(stderr, "ngsynth-drums: %s\n", model_error_.c_str());
  return model_error_;
}

std::string DrumsProcessor::set_note_map(const std::string& text) {
  NoteMap map;
  try {
    map = text.empty() ? NoteMap::general_midi() : NoteMap::parse(text);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ngsynth-drums: %s (map unchanged)\n", e.what());
    return e.what();
  }
  std::lock_guard lk(build_mu_);
  map_ = map;
  rebuild_locked();
  return "";
}

std::string DrumsProcessor::note_map_text() const {
  std::lock_guard lk(build_mu_);
  return map_.to_string();
}

void DrumsProcessor::set_kit_number(uint64_t n) {
  kit_number_.store(n);
  std::lock_guard lk(build_mu_);
  rebuild_locked();
}

std::string DrumsProcessor::status() const {
  std::lock_guard lk(build_mu_);
  if (!model_) return model_error_.empty() ? "no model set: silent" : model_error_;
  std::string s = model_path_ + ": " + std::to_string(model_->grain().sample_rate) + " Hz, classes";
  for (const auto& c : model_->classes()) s += " " + c;
  s += ", kit " + std::to_string(kit_number_.load()) + ", latency " + std::to_string(latency_.load()) + " frames";
  // "ready": the audio thread plays the sounds of the current parameters (a rebuild is
  // not pending); tests and hosts without a UI poll for it.
  if (wanted() == built_ && playing_gen_.load() == built_gen_.load()) s += ", ready";
  return s;
}

DrumsProcessor::Wanted DrumsProcessor::wanted() const {
  return {static_cast<uint64_t>(std::llround(params_[kSeed].load())), params_[kTemperature].load(),
          kit_number_.load()};
}

void DrumsProcessor::rebuild_locked() {
  const Wanted w = wanted();
  KitSettings k;
  k.seed = w.kit == 0 ? w.seed : mix_seed(w.seed, w.kit);
  k.temperature = w.temperature;
  const uint64_t gen = built_gen_.load() + 1;
  auto s = std::make_unique<Session>(model_, map_, k, host_rate_, gen);
  latency_.store(s->latency);
  built_ = w;
  built_gen_.store(gen);
  publish(s.release());
}

void DrumsProcessor::publish(Session* s) {
  delete retired_.exchange(nullptr);
  delete pending_.exchange(s);  // one the audio thread never took
}

void DrumsProcessor::collect() { delete retired_.exchange(nullptr); }

void DrumsProcessor::builder_main() {
  while (!quit_.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    collect();
    std::lock_guard lk(build_mu_);
    if (wanted() != built_ && model_) {
      try {
        rebuild_locked();
      } catch (const std::exception& e) {
        std::fprintf(stderr, "ngsynth-drums: new kit: %s\n", e.what());
        built_ = wanted();
      }
    }
  }
}

bool DrumsProcessor::wait_ready(int timeout_ms) const {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < end) {
    {
      std::lock_guard lk(build_mu_);
      if (wanted() == built_ && playing_gen_.load() == built_gen_.load()) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

void DrumsProcessor::set_param(int index, float value) noexcept {
  if (index < 0 || index >= kParamCount || !std::isfinite(value)) return;
  const ParamInfo p = param_info(index);
  value = std::clamp(value, p.min, p.max);
  if (p.integer) value = std::round(value);
  params_[static_cast<std::size_t>(index)].store(value);
  if (index == kNewKit) {
    // A rising edge; exchange() so that two threads setting it at once count one edge.
    const bool high = value >= 0.5f;
    if (!trigger_high_.exchange(high) && high) kit_number_.fetch_add(1);
  }
}

float DrumsProcessor::param(int index) const noexcept {
  if (index < 0 || index >= kParamCount) return 0.0f;
  return params_[static_cast<std::size_t>(index)].load();
}

void DrumsProcessor::pull(void* session, std::span<float> out) noexcept {
  auto* s = static_cast<Session*>(session);
  s->voices->mix(s->model_frame, out);
  if (s->pad) s->pad->mix(s->model_frame, out);
  s->model_frame += static_cast<int64_t>(out.size());
}

void DrumsProcessor::play_note(Session& s, const MidiNote& n) noexcept {
  const int in = s.kit->sample_rate();
  const int out = s.conv->out_rate();
  const int64_t h = s.host_frame + n.frame;
  // llround(h * in / out) in integers, then the converter's lead.
  const int64_t m = (2 * h * in + out) / (2 * static_cast<int64_t>(out)) + s.lead;
  if (n.note == s.pad_note) {
    if (!s.pad) return;
    if (n.velocity == 0) {
      s.pad->release(m);
      return;
    }
    const int pc = std::clamp(static_cast<int>(params_[kPadClass].load(std::memory_order_relaxed)), 0,
                              s.kit->classes() - 1);
    const float level = params_[static_cast<std::size_t>(kLevelFirst + s.kit->level_group(pc))].load(std::memory_order_relaxed);
    s.pad->press(m, pc, static_cast<float>(n.velocity) / 127.0f * level);
    return;
  }
  const int c = s.kit->note_class(n.note);
  if (c < 0 || n.velocity == 0) return;
  std::span<const float> sound = s.kit->hit(c);
  const float variation = params_[kVariation].load(std::memory_order_relaxed);
  const uint64_t k = s.notes++;
  if (variation > 0.0f && unit(s.kit->settings().seed, k) < variation)
    sound = s.kit->variation(c, static_cast<int>(mix_seed(k, 7) % 1024));
  const float level = params_[static_cast<std::size_t>(kLevelFirst + s.kit->level_group(c))].load(std::memory_order_relaxed);
  const float gain = static_cast<float>(n.velocity) / 127.0f * level;
  if (m < s.model_frame || !s.voices->note(m, sound, gain)) {
    notes_dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  notes_played_.fetch_add(1, std::memory_order_relaxed);
}

void DrumsProcessor::process(std::span<const MidiNote> notes, float* left, float* right, int frames) noexcept {
  // A new session, once the previous old one has been retired and collected.
  if (!old_ && !retired_.load(std::memory_order_acquire)) {
    if (Session* s = pending_.exchange(nullptr, std::memory_order_acq_rel)) {
      old_ = current_;
      current_ = s;
      playing_gen_.store(s->gen, std::memory_order_release);
    }
  }
  if (current_ && current_->pad)
    current_->pad->set_point(params_[kPadX].load(std::memory_order_relaxed), params_[kPadY].load(std::memory_order_relaxed));
  std::size_t next = 0;
  int done = 0;
  const int chunk = static_cast<int>(mix_.size());
  while (done < frames) {
    const int n = std::min(chunk, frames - done);
    std::span<float> out(left + done, static_cast<std::size_t>(n));
    std::fill(out.begin(), out.end(), 0.0f);
    if (current_ && current_->kit) {
      while (next < notes.size() && static_cast<int>(notes[next].frame) < done + n) {
        MidiNote e = notes[next++];
        e.frame = static_cast<uint32_t>(std::max(0, static_cast<int>(e.frame) - done));
        play_note(*current_, e);
      }
      current_->conv->process(out);
      current_->host_frame += n;
    }
    if (old_) {
      if (old_->kit) {
        std::span<float> tail(mix_.data(), static_cast<std::size_t>(n));
        old_->conv->process(tail);
        for (int i = 0; i < n; ++i) out[static_cast<std::size_t>(i)] += tail[static_cast<std::size_t>(i)];
        old_->host_frame += n;
      }
      // Retired once its voices have been silent for longer than the converter's lead
      // (its filter still rings out what it read ahead).
      old_->idle_frames = old_->idle() ? old_->idle_frames + n : 0;
      if (old_->idle_frames > old_->latency + 64 && !retired_.load(std::memory_order_acquire)) {
        retired_.store(old_, std::memory_order_release);
        old_ = nullptr;
      }
    }
    done += n;
  }
  if (right != left) std::copy(left, left + frames, right);
}

}  // namespace ngsynth::drums
