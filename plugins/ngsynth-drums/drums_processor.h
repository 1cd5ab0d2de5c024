// The instrument behind the ngsynth-drums plugin, free of DPF so that tests drive it
// directly: MIDI notes -> class hits (note map, velocity -> gain, per-class levels),
// parameters, the model as state, and the hand-over of new sounds to the audio thread.
//
// Threads (DPF's wrappers keep to this: setState runs on the host's main or LV2 worker
// thread, run() on the audio thread).
//   control (set_model, set_note_map, prepare): loads the model and builds a Session: the
//       Kit (every sound rendered), its DrumVoices and RateConverter, all allocated there.
//       A new Session is handed to the audio thread through one atomic pointer.
//   builder thread (owned): re-builds the Session when the audio thread changed a
//       parameter that needs new sounds (seed, temperature, new kit), polling every 10 ms,
//       and frees sessions the audio thread has retired.
//   pad thread (one per Session with a latent map): renders the pad's grain stream ahead
//       into a ring while the pad note is held (pad_stream.h).
//   audio (process, set_param): takes a new Session at the start of a block; the previous
//       one keeps playing the notes it had started until they end (so a swap does not
//       click), then is retired. No allocation, lock, I/O or logging.
//
// Timing. Within a Session, host frame h (counted from the block in which the Session
// started playing) maps to model frame llround(h * model_rate / host_rate) + D, where D is
// the converter's lead (0 at equal rates). The onset of a note therefore reaches the
// output latency_frames() = round(D * host_rate / model_rate) frames after its MIDI event,
// the figure reported to the host. At equal rates the output is exactly what
// `ngsynth drums` renders for the same notes (same buffers, gains and voice pool).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>

#include "kit.h"
#include "note_map.h"

namespace ngsynth::drums {

// Parameters (the plugin's, in this order).
enum Param : int {
  kTemperature = 0,  // 0..3, default 1: the prior's temperature for every class
  kVariation,        // 0..1, default 0: chance that a note plays a variation, not the hit
  kSeed,             // 0..9999 (integer), default 0
  kNewKit,           // trigger: 0 -> 1 re-samples every class (the kit number goes up)
  kLevelFirst,       // 8 levels (0..2, default 1) in kLevelGroups order
  kPadX = kLevelFirst + static_cast<int>(kLevelGroups.size()),  // 0..1 across the latent map
  kPadY,             // 0..1
  kPadClass,         // 0..15 (integer): the class the pad's stream is conditioned on
  kParamCount,
};

struct ParamInfo {
  const char* symbol;
  const char* name;
  float min, max, def;
  bool integer, trigger;
};
ParamInfo param_info(int index);

struct MidiNote {
  uint32_t frame = 0;    // offset in the block
  uint8_t note = 0;
  uint8_t velocity = 0;  // 1..127; 0: note-off (only the pad note uses it: hits play to their end)
};

class DrumsProcessor {
 public:
  DrumsProcessor();
  ~DrumsProcessor();
  DrumsProcessor(const DrumsProcessor&) = delete;
  DrumsProcessor& operator=(const DrumsProcessor&) = delete;

  // --- control side (non-real-time; the host serialises these) ---
  // The host's rate and largest block (activation); builds a fresh Session.
  void prepare(double host_rate, int max_block);
  // Loads a model file ("" = none: silent). Returns "" on success, else the one-line
  // message (also in status()); the plugin is silent then.
  std::string set_model(const std::string& path);
  const std::string& model_path() const { return model_path_; }
  std::string set_note_map(const std::string& text);
  std::string note_map_text() const;
  uint64_t kit_number() const { return kit_number_.load(); }
  void set_kit_number(uint64_t n);
  // What the plugin plays, or why it is silent, in one line.
  std::string status() const;
  // Host frames from a MIDI event to its onset in the output.
  int latency_frames() const { return latency_.load(); }
  // Blocks until the audio thread plays sounds built from the current parameters (tests
  // and offline use; the audio thread must be running).
  bool wait_ready(int timeout_ms) const;

  // --- audio thread ---
  void set_param(int index, float value) noexcept;
  float param(int index) const noexcept;
  // Writes `frames` frames to left and right (identical), notes sorted by frame.
  void process(std::span<const MidiNote> notes, float* left, float* right, int frames) noexcept;

  // --- statistics (any thread) ---
  int64_t notes_played() const { return notes_played_.load(std::memory_order_relaxed); }
  int64_t notes_dropped() const { return notes_dropped_.load(std::memory_order_relaxed); }  // no voice / late

 private:
  struct Session;
  struct Wanted {
    uint64_t seed;
    float temperature;
    uint64_t kit;
    bool operator==(const Wanted&) const = default;
  };
  Wanted wanted() const;
  void rebuild_locked();                 // build_mu_ held
  void publish(Session* s);
  void collect();
  void builder_main();
  void play_note(Session& s, const MidiNote& n) noexcept;
  static void pull(void* session, std::span<float> out) noexcept;

  // control side
  mutable std::mutex build_mu_;
  std::shared_ptr<const rt::Model> model_;
  std::string model_path_;
  std::string model_error_;
  NoteMap map_ = NoteMap::general_midi();
  double host_rate_ = 48000.0;
  int max_block_ = 4096;
  Wanted built_{0, 1.0f, 0};
  std::atomic<uint64_t> built_gen_{0};
  std::atomic<uint64_t> kit_number_{0};

  // hand-over
  std::atomic<Session*> pending_{nullptr};
  std::atomic<Session*> retired_{nullptr};
  std::atomic<uint64_t> playing_gen_{0};
  std::atomic<int> latency_{0};

  // audio thread
  Session* current_ = nullptr;
  Session* old_ = nullptr;
  std::array<std::atomic<float>, kParamCount> params_;
  std::atomic<bool> trigger_high_{false};  // set_param may come from the audio or main thread
  std::atomic<int64_t> notes_played_{0}, notes_dropped_{0};
  std::vector<float> mix_;  // scratch of max_block_ frames (prepare)

  std::atomic<bool> quit_{false};
  std::thread builder_;
};

}  // namespace ngsynth::drums
