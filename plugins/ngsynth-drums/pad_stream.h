// The pad: a continuous grain stream at a point of the model's latent map, played while
// the pad note is held. The stream is rt::Instrument's stream renderer (one GrainStream,
// one grain hop per chunk, what `ngsynth serve`'s XY pad plays), run on a thread of its
// own that keeps a ring of rendered samples filled ahead while the pad is on. The audio
// thread only moves samples out of the ring, with a linear fade in and out, so pressing
// and releasing the pad never clicks; the point may move while it plays (from the next
// chunk rendered). Created and destroyed off the audio thread (with its Session).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <thread>
#include <vector>

#include "ngsynth/live/engine.h"
#include "ngsynth/live/spsc_queue.h"
#include "ngsynth/runtime/instrument.h"

namespace ngsynth::drums {

class PadStream {
 public:
  // `ahead_frames`: samples kept rendered ahead (at least the converter's lead).
  PadStream(std::shared_ptr<const rt::Model> model, int ahead_frames, int fade_frames);
  ~PadStream();  // stops and joins the thread
  PadStream(const PadStream&) = delete;
  PadStream& operator=(const PadStream&) = delete;

  // --- audio thread ---
  // At model frame `frame` (the pad thread starts rendering at once, so the stream is
  // ready when that frame is mixed, as a hit's note is).
  void press(int64_t frame, int class_index, float gain) noexcept;
  void release(int64_t frame) noexcept;
  // x, y in 0..1 across the map's range of training grains.
  void set_point(float x, float y) noexcept;
  // Adds model frames [frame, frame + out.size()) of the pad to `out`.
  void mix(int64_t frame, std::span<float> out) noexcept;
  bool sounding() const noexcept { return level_ > 0.0f || gate_ || press_at_ >= 0; }
  int64_t underruns() const noexcept { return underruns_; }

 private:
  void worker();

  std::shared_ptr<const rt::Model> model_;
  rt::Instrument instrument_;
  live::StreamRenderer render_;
  int chunk_;
  int fade_frames_;
  live::SpscQueue<float> ring_;
  std::vector<float> scratch_;
  float x_min_, x_span_, y_min_, y_span_;

  std::atomic<bool> on_{false};
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> class_{0};
  std::atomic<float> x_{0.5f}, y_{0.5f};
  std::atomic<bool> quit_{false};
  // audio thread
  float level_ = 0.0f, gain_ = 1.0f;
  bool gate_ = false;                 // the audible state: on from press to release frame
  int64_t press_at_ = -1, release_at_ = -1;  // pending changes of the gate
  int64_t underruns_ = 0;
  std::thread thread_;
};

}  // namespace ngsynth::drums
