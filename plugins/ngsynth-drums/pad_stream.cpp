#include "pad_stream.h"

#include <algorithm>
#include <chrono>

namespace ngsynth::drums {

PadStream::PadStream(std::shared_ptr<const rt::Model> model, int ahead_frames, int fade_frames)
    : model_(std::move(model)),
      instrument_(model_),
      render_(instrument_.stream_renderer(1)),
      chunk_(instrument_.stream_chunk_frames()),
      fade_frames_(std::max(1, fade_frames)),
      ring_(static_cast<std::size_t>(std::max(ahead_frames, 1) + 2 * chunk_)),
      scratch_(static_cast<std::size_t>(chunk_)) {
  const LatentMap& m = model_->map();
  x_min_ = m.x_min, x_span_ = m.x_max - m.x_min, y_min_ = m.y_min, y_span_ = m.y_max - m.y_min;
  thread_ = std::thread([this] { worker(); });
}

PadStream::~PadStream() {
  quit_.store(true);
  thread_.join();
}

void PadStream::press(int64_t frame, int class_index, float gain) noexcept {
  // What is left in the ring belongs to an earlier press: dropped, then a new stream.
  float v;
  while (ring_.pop(v)) {
  }
  gate_ = false;
  level_ = 0.0f;
  gain_ = gain;
  press_at_ = frame;
  release_at_ = -1;
  class_.store(class_index, std::memory_order_relaxed);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  on_.store(true, std::memory_order_release);
}

void PadStream::release(int64_t frame) noexcept { release_at_ = frame; }

void PadStream::set_point(float x, float y) noexcept {
  x_.store(std::clamp(x, 0.0f, 1.0f), std::memory_order_relaxed);
  y_.store(std::clamp(y, 0.0f, 1.0f), std::memory_order_relaxed);
}

void PadStream::mix(int64_t frame, std::span<float> out) noexcept {
  if (!gate_ && level_ <= 0.0f && press_at_ < 0) return;
  const float step = 1.0f / static_cast<float>(fade_frames_);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int64_t t = frame + static_cast<int64_t>(i);
    if (press_at_ >= 0 && t >= press_at_) gate_ = true, press_at_ = -1;
    if (release_at_ >= 0 && t >= release_at_ && press_at_ < 0) gate_ = false, release_at_ = -1;
    if (!gate_ && level_ <= 0.0f) {
      if (press_at_ < 0) {
        on_.store(false, std::memory_order_release);  // faded out: the pad thread may rest
        break;
      }
      continue;  // before the press
    }
    level_ = gate_ ? std::min(1.0f, level_ + step) : std::max(0.0f, level_ - step);
    float v = 0.0f;
    if (!ring_.pop(v)) ++underruns_;
    out[i] += gain_ * level_ * v;
  }
}

void PadStream::worker() {
  uint64_t gen = 0;
  int64_t chunk = 0;
  while (!quit_.load(std::memory_order_relaxed)) {
    const bool on = on_.load(std::memory_order_acquire);
    const uint64_t g = generation_.load(std::memory_order_acquire);
    if (g != gen) gen = g, chunk = 0;
    if (!on || ring_.write_available() < scratch_.size()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    const float xy[2] = {x_min_ + x_span_ * x_.load(std::memory_order_relaxed),
                         y_min_ + y_span_ * y_.load(std::memory_order_relaxed)};
    live::StreamState s;
    s.id = 0;
    s.tag = static_cast<uint64_t>(class_.load(std::memory_order_relaxed));
    s.start_frame = static_cast<int64_t>(gen);
    s.params = std::span<const float>(xy, 2);
    try {
      std::fill(scratch_.begin(), scratch_.end(), 0.0f);
      render_(s, chunk++, scratch_);
    } catch (const std::exception&) {
      std::fill(scratch_.begin(), scratch_.end(), 0.0f);
    }
    // A press since this chunk began: it belongs to the old stream.
    if (generation_.load(std::memory_order_acquire) == gen) (void)ring_.push_all(scratch_);
  }
}

}  // namespace ngsynth::drums
