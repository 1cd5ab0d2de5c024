#include "ngsynth/live/voice_pool.h"

#include <algorithm>
#include <limits>
#include <string>

#include "ngsynth/util/error.h"

namespace ngsynth::live {

namespace {

// (start, seq) order: the older note first.
bool older(int64_t start_a, uint64_t seq_a, int64_t start_b, uint64_t seq_b) {
  return start_a != start_b ? start_a < start_b : seq_a < seq_b;
}

}  // namespace

VoicePool::VoicePool(int max_voices, int max_pending, int fade_frames, const float* buffers,
                     std::size_t stride)
    : fade_frames_(fade_frames), buffers_(buffers), stride_(stride) {
  if (max_voices < 1) throw Error("voice pool: max_voices " + std::to_string(max_voices) + " must be >= 1");
  if (max_pending < 1) throw Error("voice pool: max_pending " + std::to_string(max_pending) + " must be >= 1");
  if (fade_frames < 1) throw Error("voice pool: fade_frames " + std::to_string(fade_frames) + " must be >= 1");
  voices_.resize(static_cast<std::size_t>(max_voices));
  fading_.resize(static_cast<std::size_t>(max_voices));
  pending_.resize(static_cast<std::size_t>(max_pending));
}

bool VoicePool::add(const ReadyNote& note) noexcept {
  if (n_pending_ == static_cast<int>(pending_.size())) return false;
  pending_[static_cast<std::size_t>(n_pending_++)] = note;
  return true;
}

int VoicePool::active() const {
  int n = 0;
  for (const Voice& v : voices_) n += v.on;
  return n;
}

void VoicePool::mix(int64_t frame, std::span<float> out, SpscQueue<int>& release) noexcept {
  const int64_t end = frame + static_cast<int64_t>(out.size());
  int64_t t = frame;
  while (t < end) {
    start_due(t, release);
    // The next segment ends at the block end or at the next pending start, whichever first.
    int64_t next = end;
    for (int i = 0; i < n_pending_; ++i) next = std::min(next, pending_[static_cast<std::size_t>(i)].start);
    mix_range(t, next, frame, out.data());
    retire(next, release);
    t = next;
  }
}

// Starts every pending note with start <= t, oldest first. Only at the first frame of a
// block can a start lie before t (a late note): later segment boundaries are start frames.
void VoicePool::start_due(int64_t t, SpscQueue<int>& release) noexcept {
  for (;;) {
    int best = -1;
    for (int i = 0; i < n_pending_; ++i) {
      const ReadyNote& p = pending_[static_cast<std::size_t>(i)];
      if (p.start > t) continue;
      if (best < 0 || older(p.start, p.seq, pending_[static_cast<std::size_t>(best)].start,
                            pending_[static_cast<std::size_t>(best)].seq))
        best = i;
    }
    if (best < 0) return;
    const ReadyNote n = pending_[static_cast<std::size_t>(best)];
    pending_[static_cast<std::size_t>(best)] = pending_[static_cast<std::size_t>(--n_pending_)];
    if (n.start < t) ++late_;
    if (n.start + n.length <= t) {  // entirely missed
      (void)release.push(n.buffer);
      continue;
    }
    start_voice(n, t, release);
  }
}

void VoicePool::start_voice(const ReadyNote& n, int64_t t, SpscQueue<int>& release) noexcept {
  // A voice is free at t when unused or when its note ended at or before t (whether or not
  // it has been retired yet: the choice must not depend on block boundaries).
  int slot = -1;
  for (std::size_t i = 0; i < voices_.size(); ++i)
    if (!voices_[i].on || voices_[i].end <= t) {
      slot = static_cast<int>(i);
      break;
    }
  if (slot >= 0) {
    Voice& v = voices_[static_cast<std::size_t>(slot)];
    if (v.on) (void)release.push(v.buffer);  // ended, not yet retired
  } else {
    slot = 0;
    for (std::size_t i = 1; i < voices_.size(); ++i)
      if (older(voices_[i].start, voices_[i].seq, voices_[static_cast<std::size_t>(slot)].start,
                voices_[static_cast<std::size_t>(slot)].seq))
        slot = static_cast<int>(i);
    fade_out(voices_[static_cast<std::size_t>(slot)], t, release);
    ++steals_;
  }
  Voice& v = voices_[static_cast<std::size_t>(slot)];
  v.on = true;
  v.buffer = n.buffer;
  v.start = n.start;
  v.end = n.start + n.length;
  v.fade_start = std::numeric_limits<int64_t>::max();
  v.seq = n.seq;
  ++started_;
}

void VoicePool::fade_out(const Voice& stolen, int64_t t, SpscQueue<int>& release) noexcept {
  int slot = -1;
  for (std::size_t i = 0; i < fading_.size(); ++i)
    if (!fading_[i].on || fading_[i].end <= t) {
      slot = static_cast<int>(i);
      break;
    }
  if (slot < 0) {  // all fading: cut the one closest to its end
    slot = 0;
    for (std::size_t i = 1; i < fading_.size(); ++i)
      if (fading_[i].end < fading_[static_cast<std::size_t>(slot)].end) slot = static_cast<int>(i);
  }
  Voice& f = fading_[static_cast<std::size_t>(slot)];
  if (f.on) (void)release.push(f.buffer);
  f = stolen;
  f.fade_start = t;
  f.end = std::min(stolen.end, t + fade_frames_);
}

void VoicePool::mix_range(int64_t t0, int64_t t1, int64_t frame, float* out) const noexcept {
  for (const Voice& v : voices_) {
    if (!v.on) continue;
    const int64_t a = std::max(t0, v.start), b = std::min(t1, v.end);
    const float* s = samples(v.buffer);
    for (int64_t f = a; f < b; ++f) out[f - frame] += s[f - v.start];
  }
  const float denom = static_cast<float>(fade_frames_ + 1);
  for (const Voice& v : fading_) {
    if (!v.on) continue;
    const int64_t a = std::max(t0, v.start), b = std::min(t1, v.end);
    const float* s = samples(v.buffer);
    for (int64_t f = a; f < b; ++f) {
      const float g = f < v.fade_start ? 1.0f : 1.0f - static_cast<float>(f - v.fade_start + 1) / denom;
      out[f - frame] += g * s[f - v.start];
    }
  }
}

void VoicePool::retire(int64_t t, SpscQueue<int>& release) noexcept {
  for (Voice& v : voices_)
    if (v.on && v.end <= t) {
      (void)release.push(v.buffer);
      v.on = false;
    }
  for (Voice& v : fading_)
    if (v.on && v.end <= t) {
      (void)release.push(v.buffer);
      v.on = false;
    }
}

}  // namespace ngsynth::live
