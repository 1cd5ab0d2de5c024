// Streaming sample-rate conversion from the model's rate to the host's, pulling the input
// from a callback: libsamplerate's callback interface with SRC_SINC_FASTEST, as
// live/jack_output does, created in the constructor and allocation-free afterwards. At
// equal rates it is a plain pass-through.
//
// The converter reads its input ahead of the output (its filter and internal buffer, and
// one pull chunk); lead_frames() bounds that lead, measured once in the constructor, so a
// note scheduled lead_frames() input frames after the input position that matches the
// current output frame is never late.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

typedef struct SRC_STATE_tag SRC_STATE;

namespace ngsynth::drums {

class RateConverter {
 public:
  // Fills `out` with the next out.size() input frames. Audio thread; must not throw.
  using Source = void (*)(void* context, std::span<float> out) noexcept;

  // Error naming the rates when libsamplerate cannot convert between them.
  RateConverter(int in_rate, int out_rate, Source source, void* context, int chunk_frames = 16);
  ~RateConverter();
  RateConverter(const RateConverter&) = delete;
  RateConverter& operator=(const RateConverter&) = delete;

  int in_rate() const { return in_rate_; }
  int out_rate() const { return out_rate_; }
  bool resampling() const { return src_ != nullptr; }
  // Input frames the converter may have pulled beyond the output position.
  int lead_frames() const;

  // Audio thread: the next out.size() output frames.
  void process(std::span<float> out) noexcept;

 private:
  RateConverter(int in_rate, int out_rate, Source source, void* context, int chunk_frames, int lead);
  static int measure_lead(int in_rate, int out_rate, int chunk_frames);
  static long pull(void* self, float** data);
  int in_rate_, out_rate_;
  double ratio_;
  Source source_;
  void* context_;
  std::vector<float> chunk_;
  SRC_STATE* src_ = nullptr;
  int lead_ = 0;
};

}  // namespace ngsynth::drums
