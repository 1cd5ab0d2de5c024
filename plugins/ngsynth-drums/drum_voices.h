// The plugin's note voices at the model's rate, on the audio thread alone: a note copies
// its kit sound times its gain into a free preallocated note buffer (what the engine's
// worker does for `ngsynth drums`: copy, then multiply) and the engine's VoicePool plays
// it sample-exactly from its start frame, stealing the oldest voice with a short fade.
// There is no worker between the MIDI note and the voice: the sounds are already
// rendered, so a note costs one copy, and a freewheeling host gets the same samples as a
// real-time one.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ngsynth/live/spsc_queue.h"
#include "ngsynth/live/voice_pool.h"

namespace ngsynth::drums {

class DrumVoices {
 public:
  // Allocates everything (max_voices playing, as many waiting to start, their fades).
  DrumVoices(int max_voices, int max_note_frames, int fade_frames);

  // Audio thread. A note of `sound` (cut to max_note_frames) starting at `frame`, which
  // must not lie before the next frame mix() will produce (such a note starts late).
  // False when no note buffer is free (the note is dropped and counted).
  bool note(int64_t frame, std::span<const float> sound, float gain) noexcept;
  // Overwrites `out` with frames [frame, frame + out.size()) of every voice.
  void mix(int64_t frame, std::span<float> out) noexcept;

  int active() const { return pool_.active(); }
  int busy() const { return pool_.active() + pool_.pending(); }  // playing or waiting
  int64_t dropped() const { return dropped_; }
  int64_t late() const { return pool_.late(); }
  int64_t started() const { return pool_.started(); }

 private:
  int max_note_frames_;
  std::vector<float> buffers_;
  live::SpscQueue<int> free_;  // both ends on the audio thread: the pool's release list
  live::VoicePool pool_;
  uint64_t seq_ = 0;
  int64_t dropped_ = 0;
};

}  // namespace ngsynth::drums
