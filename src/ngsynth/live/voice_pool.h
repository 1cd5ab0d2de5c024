// The note voices of the live engine, owned by the audio thread and touched by it alone.
//
// A note arrives rendered: its samples lie in one of the engine's preallocated note
// buffers, with an absolute start frame and a length. It waits in the pending list until
// its start frame, then takes a voice and plays sample-exactly from that frame; when it
// has played to its end its buffer goes back to the worker through the free-list ring.
//
// Voice stealing. At most `max_voices` notes play at once. A note that starts while all
// voices are busy takes the voice of the OLDEST playing note (earliest start frame; for
// equal start frames, the earliest request). The stolen note is not cut: it moves to one of
// `max_voices` fading slots and fades out linearly over `fade_frames` frames from the new
// note's start frame (gain 1 - (n + 1) / (fade_frames + 1) at the n-th frame), so stealing
// does not click. Should all fading slots be busy too, the fading note closest to its end
// is cut (this takes more than max_voices steals within one fade).
//
// Every decision (which voice is free, which is stolen, which fading slot is used) is a
// function of frame numbers and request order only, and blocks are split at note starts,
// so any block size produces the same voices, the same mixing order and therefore the
// same samples.
//
// Notes that arrive after their start frame (the worker fell behind) start at once with
// their missing beginning skipped (silence for the missing part, timing kept), and count
// as late; notes that arrive after their end are dropped and count as late too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "ngsynth/live/spsc_queue.h"

namespace ngsynth::live {

// A rendered note handed from the worker to the audio thread.
struct ReadyNote {
  int buffer = -1;     // index of the note buffer holding its samples
  int64_t start = 0;   // absolute frame of its first sample
  int length = 0;      // frames, >= 1
  uint64_t seq = 0;    // request order, breaks ties between equal start frames
};

class VoicePool {
 public:
  // `buffers` points to the engine's note buffers: buffer k starts at buffers + k * stride.
  // Allocates everything here; nothing later. Error unless max_voices >= 1,
  // max_pending >= 1 and fade_frames >= 1.
  VoicePool(int max_voices, int max_pending, int fade_frames, const float* buffers,
            std::size_t stride);

  // Queues a rendered note; false (note not taken) when max_pending notes are queued.
  bool add(const ReadyNote& note) noexcept;

  // Adds frames [frame, frame + out.size()) of every voice into `out`, starting pending
  // notes whose start frame falls in that range at that very frame. Buffers of notes that
  // end (or are dropped) are pushed onto `release` (it must never be full).
  void mix(int64_t frame, std::span<float> out, SpscQueue<int>& release) noexcept;

  int max_voices() const { return static_cast<int>(voices_.size()); }
  int fade_frames() const { return fade_frames_; }
  int active() const;                          // playing (not fading) voices now
  int pending() const { return n_pending_; }   // rendered notes waiting for their start
  int64_t started() const { return started_; }
  int64_t steals() const { return steals_; }
  int64_t late() const { return late_; }

 private:
  struct Voice {
    bool on = false;
    int buffer = -1;
    int64_t start = 0;
    int64_t end = 0;         // first frame after its last audible one
    int64_t fade_start = 0;  // fading slots only
    uint64_t seq = 0;
  };

  void start_due(int64_t t, SpscQueue<int>& release) noexcept;
  void start_voice(const ReadyNote& n, int64_t t, SpscQueue<int>& release) noexcept;
  void fade_out(const Voice& v, int64_t t, SpscQueue<int>& release) noexcept;
  void mix_range(int64_t t0, int64_t t1, int64_t frame, float* out) const noexcept;
  void retire(int64_t t, SpscQueue<int>& release) noexcept;
  const float* samples(int buffer) const { return buffers_ + static_cast<std::size_t>(buffer) * stride_; }

  std::vector<Voice> voices_;   // playing
  std::vector<Voice> fading_;   // stolen, fading out
  std::vector<ReadyNote> pending_;
  int n_pending_ = 0;
  int fade_frames_;
  const float* buffers_;
  std::size_t stride_;
  int64_t started_ = 0, steals_ = 0, late_ = 0;
};

}  // namespace ngsynth::live
