#include "drum_voices.h"

#include <algorithm>
#include <cstring>

namespace ngsynth::drums {

namespace {
// Buffers: max_voices playing + as many fading + as many waiting for their start frame.
int buffer_count(int max_voices) { return 3 * max_voices + 2; }
}  // namespace

DrumVoices::DrumVoices(int max_voices, int max_note_frames, int fade_frames)
    : max_note_frames_(std::max(1, max_note_frames)),
      buffers_(static_cast<std::size_t>(buffer_count(max_voices)) * static_cast<std::size_t>(max_note_frames_)),
      free_(static_cast<std::size_t>(buffer_count(max_voices))),
      pool_(max_voices, max_voices, fade_frames, buffers_.data(), static_cast<std::size_t>(max_note_frames_)) {
  for (int b = 0; b < buffer_count(max_voices); ++b) (void)free_.push(b);
}

bool DrumVoices::note(int64_t frame, std::span<const float> sound, float gain) noexcept {
  const int n = static_cast<int>(std::min<std::size_t>(sound.size(), static_cast<std::size_t>(max_note_frames_)));
  int b = -1;
  if (n < 1 || !free_.pop(b)) {
    ++dropped_;
    return false;
  }
  float* buf = buffers_.data() + static_cast<std::size_t>(b) * static_cast<std::size_t>(max_note_frames_);
  std::memcpy(buf, sound.data(), static_cast<std::size_t>(n) * sizeof(float));
  if (gain != 1.0f)
    for (int i = 0; i < n; ++i) buf[i] *= gain;
  if (!pool_.add({b, frame, n, seq_++})) {
    (void)free_.push(b);
    ++dropped_;
    return false;
  }
  return true;
}

void DrumVoices::mix(int64_t frame, std::span<float> out) noexcept {
  std::fill(out.begin(), out.end(), 0.0f);
  pool_.mix(frame, out, free_);
}

}  // namespace ngsynth::drums
