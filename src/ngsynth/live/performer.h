// The live instrument as a whole: an Instrument (the model), the drum machine holding one
// track buffer per class, and the streaming engine that plays track hits and one-off clips
// (previews, XY events, latent paths, morphs). Front-ends (the OSC server, `ngsynth
// serve`) act on a Performer; the audio output (JACK) drives performer.engine().
//
// Note routing: the engine's note renderer plays request.tag < tracks() from the drum
// machine's current track buffer, and tags >= kClipTag from a clip generated on the
// calling control thread and parked until the worker copies it (then dropped). Clips are
// at most max_clip_seconds long; at most kMaxPendingClips wait at once (a further one is
// an Error: the audio is probably not running).
//
// Threads: every method is for control threads (any number; the instrument serialises its
// own calls). Generation runs in the calling thread, never on the worker or audio thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ngsynth/live/drum_machine.h"
#include "ngsynth/live/engine.h"
#include "ngsynth/live/instrument.h"
#include "ngsynth/util/write_folder.h"

namespace ngsynth::live {

struct PerformerOptions {
  // sample_rate is set from the instrument, max_note_frames to the longest of the
  // instrument's event, the track buffers and max_clip_seconds; the rest is used as given.
  EngineOptions engine = [] {
    EngineOptions o;
    o.max_voices = 32;
    o.note_buffers = 80;
    o.max_streams = 0;
    return o;
  }();
  DrumOptions drums;
  double max_clip_seconds = 4.0;   // longest /sample_path (and any clip)
  double path_seconds = 2.0;       // /sample_path length when none is given
  double xy_seconds = 0.0;         // length of an /xy event; 0 = the instrument's event length
  uint64_t first_seed = 1;         // seeds not given by the caller count up from here
  std::filesystem::path write_dir; // the only folder write_track writes into; empty = a
                                   // fresh temporary folder (see util/write_folder.h)
};

// What a played clip or note was.
struct PlayedClip {
  int class_index = 0;
  uint64_t seed = 0;
  int64_t frames = 0;       // its length
  int64_t start_frame = 0;  // engine frame where it starts
};

class Performer {
 public:
  static constexpr uint64_t kClipTag = uint64_t(1) << 32;
  static constexpr int kMaxPendingClips = 64;

  // Error if the pattern does not fit the instrument or the options are invalid.
  Performer(Instrument& instrument, const Pattern& pattern, PerformerOptions options = {});
  ~Performer();  // stops the drum machine before the engine goes
  Performer(const Performer&) = delete;
  Performer& operator=(const Performer&) = delete;

  Instrument& instrument() { return instrument_; }
  Engine& engine() { return *engine_; }
  DrumMachine& drums() { return *drums_; }
  int sample_rate() const { return drums_->sample_rate(); }
  // Class (= track) names: the instrument's classes, or {"default"} when it has none.
  const std::vector<std::string>& classes() const { return drums_->track_names(); }
  int resolve_class(const std::string& name_or_index) const { return drums_->track_index(name_or_index); }

  // The class /xy and /sample_path use (initially 0).
  void set_class(int class_index);
  int current_class() const { return current_class_.load(); }

  // Re-samples the class's track buffer (seed and temperature default to a fresh seed and
  // the track's temperature) and previews it through the engine at the track's gain.
  PlayedClip sample_note(int class_index, std::optional<uint64_t> seed = {},
                         std::optional<float> temperature = {});
  // Plays `seconds` (default path_seconds, at most max_clip_seconds) along a random latent
  // path of the current class.
  PlayedClip sample_path(std::optional<double> seconds = {}, std::optional<uint64_t> seed = {});
  // Plays an event holding the grain at (x, y) of the latent map, current class.
  PlayedClip xy(float x, float y, std::optional<uint64_t> seed = {});
  // Plays the event at t of the morph from class a to class b.
  PlayedClip morph(int class_a, int class_b, float t, std::optional<uint64_t> seed = {});
  // The XY pad played continuously: starts a grain stream of the current class at the
  // latent-map point (x, y), or moves the running one there (from the next chunk). A
  // stream stopped just before is waited for (up to 250 ms) until the audio thread frees
  // its slot. Error when the instrument has no streams or no slot came free. Returns the
  // class the stream plays.
  int stream(float x, float y);
  // Fades the stream out; false when none was running.
  bool stream_stop();
  // Writes the track's current buffer as a WAV file (32-bit float, atomically) named `name`
  // inside write_dir (never outside it, never over a file it did not write); returns the
  // file's path and frames.
  struct Written {
    std::filesystem::path path;
    int64_t frames = 0;
  };
  Written write_track(int track, const std::string& name);
  std::filesystem::path write_dir() const { return write_folder_.path(); }

  uint64_t next_seed() { return seed_counter_.fetch_add(1); }
  int64_t xy_frames() const;
  int64_t max_clip_frames() const { return max_clip_frames_; }
  int pending_clips() const;

 private:
  PlayedClip play_clip(int class_index, uint64_t seed, std::vector<float> samples);
  int render(const NoteRequest& r, std::span<float> out);
  int stream_id_ = -1;      // the XY stream, -1 when none (control side, under clip_mu_)
  int stream_class_ = 0;

  Instrument& instrument_;
  const PerformerOptions options_;
  int64_t max_clip_frames_ = 0;
  std::unique_ptr<DrumMachine> drums_;
  std::atomic<int> current_class_{0};
  std::atomic<uint64_t> seed_counter_;
  WriteFolder write_folder_;  // after options_, from which it is made
  mutable std::mutex clip_mu_;
  std::map<uint64_t, std::vector<float>> clips_;
  uint64_t next_clip_ = 0;
  std::unique_ptr<Engine> engine_;  // last: its worker calls render()
};

}  // namespace ngsynth::live
