// The drum machine: a step sequencer with one track per model class, each track holding a
// buffer (an event sampled from the model) that can be re-sampled while the loop plays.
// The pattern format is in pattern.h, the step timing in step_timing.h, the offline
// render (render_pattern) in pattern_render.h.
//
// Live play. play(engine) starts a scheduler thread on the control side. It submits every
// step whose frame is <= engine.current_frame() + latency_frames + lookahead_frames with
// Engine::note_at (tag = track index, gain = velocity * track gain), so each note reaches
// the engine at least lookahead - poll period ahead of the worker's horizon. The first
// step (loop 0, step 0) is at the engine frame current + latency + lookahead when play()
// is called. Changes of steps, gains and swing apply from the next step not yet
// scheduled. A tempo change applies from the next unscheduled step n: its unswung grid
// position under the old tempo becomes the origin of a new segment, and steps n, n+1, ...
// follow the new tempo from there (frame = origin + llround((k + swing offset) * L_new)
// for the k-th step of the segment). stop() ends scheduling; notes already submitted (at
// most latency + lookahead frames ahead) still play.
//
// Buffers. The engine renders a track note by copying the track's current buffer
// (render_track, on the worker thread, under a mutex the audio thread never sees).
// resample() calls the instrument in the calling thread and then swaps the new buffer in,
// so a note already rendered keeps its old buffer and later notes get the new one.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "ngsynth/live/engine.h"
#include "ngsynth/live/instrument.h"
#include "ngsynth/live/pattern.h"
#include "ngsynth/live/step_timing.h"

namespace ngsynth::live {

struct DrumOptions {
  int64_t lookahead_frames = -1;  // scheduled beyond latency_frames; -1: sample_rate / 20
  double poll_ms = 2.0;           // scheduler period (must be well below the lookahead)
};

class DrumMachine {
 public:
  // One track per class of the instrument (a single track "default" when it has no
  // classes). The pattern's tracks set the steps, seed, temperature and gain of their
  // class's track; the other tracks start empty (seed 0, temperature 1, gain 1). Every track's buffer
  // is generated here with instrument.sample_event. Error if the pattern is invalid or
  // names a class the instrument lacks (or names one twice).
  DrumMachine(Instrument& instrument, const Pattern& pattern, DrumOptions options = {});
  ~DrumMachine();  // stop()
  DrumMachine(const DrumMachine&) = delete;
  DrumMachine& operator=(const DrumMachine&) = delete;

  Instrument& instrument() const { return instrument_; }
  int sample_rate() const { return sample_rate_; }
  int tracks() const { return static_cast<int>(names_.size()); }
  const std::vector<std::string>& track_names() const { return names_; }
  int track_index(const std::string& name_or_index) const;  // resolve_class over track_names
  int steps() const { return steps_; }
  Pattern pattern() const;  // the current state, every track, loops = the pattern's

  // --- sequencer (any control thread; from the next unscheduled step) ---
  void set_tempo(double bpm);          // Error outside 20..999
  double tempo() const;
  void set_swing(double swing);        // Error outside 0..0.75
  double swing() const;
  void set_step(int track, int step, float velocity);  // Error for a bad track, step or velocity
  float step(int track, int step) const;
  void set_gain(int track, float gain);                // 0..16
  float gain(int track) const;

  // --- buffers ---
  std::vector<float> buffer(int track) const;  // a copy of the current buffer
  // New buffer from instrument.sample_event(class, seed, temperature), generated in the
  // calling thread, then swapped in; the track's seed and temperature become these.
  // Returns the new buffer's length.
  int64_t resample(int track, uint64_t seed, float temperature);
  void set_buffer(int track, std::vector<float> samples);
  uint64_t seed(int track) const;
  float temperature(int track) const;
  int64_t longest_buffer() const;  // frames of the longest track buffer
  // Worker thread: copies the track's current buffer into `out`; returns the frames copied
  // (0 for a bad track). The note renderer for tag = track index.
  int render_track(int track, std::span<float> out) const;
  // A note renderer that plays track notes (request.tag = track index) and nothing else.
  NoteRenderer renderer() const;

  // Timed notes of `loops` loops of the current pattern, the first loop at frame `origin`
  // (the offline score; the live scheduler produces the same frames at constant tempo).
  std::vector<TimedNote> notes(int64_t loops, int64_t origin = 0) const;

  // --- live ---
  // Starts the scheduler on `engine`, whose note renderer must play request.tag = track
  // through render_track. Error if already playing or the engine's rate differs. The
  // engine must outlive play (stop() first).
  void play(Engine& engine);
  void stop();
  bool playing() const;
  int64_t start_frame() const;      // engine frame of the first step of the current run
  int64_t steps_scheduled() const;  // steps scheduled since play()
  int64_t notes_dropped() const;    // note_at calls refused by a full engine ring

 private:
  void step_notes(int step, int64_t frame, std::vector<TimedNote>& out) const;
  struct Track {
    int class_index = 0;
    std::vector<float> steps;
    uint64_t seed = 0;
    float temperature = 1.0f;
    float gain = 1.0f;
    std::shared_ptr<const std::vector<float>> buffer;
  };
  void check_track(int track, const char* what) const;
  void scheduler_main(Engine* engine);
  int64_t frame_of(int64_t n) const;  // state_mu_ held

  Instrument& instrument_;
  const int sample_rate_;
  const int steps_;
  const int loops_;
  const DrumOptions options_;
  std::vector<std::string> names_;

  mutable std::mutex state_mu_;   // tracks (not buffers), tempo, swing, segment
  std::vector<Track> tracks_;
  double tempo_ = 120.0;
  double swing_ = 0.0;
  int64_t seg_frame_ = 0;         // frame of the segment's origin (unswung grid)
  int64_t seg_step_ = 0;          // first step of the segment
  int64_t next_step_ = 0;         // next step to schedule
  int64_t start_frame_ = 0;

  mutable std::mutex buffer_mu_;  // the buffer pointers (worker and control side)

  std::mutex control_mu_;         // serialises play() and stop() (held across the join)
  std::mutex run_mu_;             // quit_, with run_cv_ (the scheduler waits on it)
  std::condition_variable run_cv_;
  bool quit_ = false;
  std::atomic<bool> playing_{false};
  std::atomic<int64_t> scheduled_{0}, dropped_{0};
  std::thread scheduler_;
};

}  // namespace ngsynth::live
