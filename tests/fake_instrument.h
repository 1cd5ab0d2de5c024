// A deterministic stand-in for a trained model, for the live tests: every event is a
// decaying cosine burst whose frequency depends on the class and seed and whose amplitude
// depends on the temperature, so the first sample of every event is its (non-zero) peak
// and an onset is the first non-zero sample.
#pragma once

#include <atomic>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <numbers>
#include <span>
#include <string>
#include <vector>

#include "ngsynth/live/instrument.h"

namespace ngsynth::test {

class FakeInstrument : public live::Instrument {
 public:
  explicit FakeInstrument(int event_frames = 4000, int sample_rate = 16000,
                          std::vector<std::string> classes = {"kick", "snare", "hihat", "tom", "crash",
                                                              "ride", "clap", "perc"})
      : rate_(sample_rate), frames_(event_frames), classes_(std::move(classes)) {}

  int sample_rate() const override { return rate_; }
  const std::vector<std::string>& classes() const override { return classes_; }
  int event_frames() const override { return frames_; }

  // The event sample_event returns, without counting a call.
  std::vector<float> event(int c, uint64_t seed, float temperature, int64_t frames = -1) const {
    const int64_t n = frames < 0 ? frames_ : frames;
    std::vector<float> out(static_cast<std::size_t>(n));
    const double f = 110.0 + 70.0 * c + 13.0 * static_cast<double>(seed % 11);
    const double a = 0.25 + 0.2 * std::min(1.0f, temperature) + 0.01 * c;
    const double tau = 0.15 * static_cast<double>(n);
    for (int64_t i = 0; i < n; ++i)
      out[static_cast<std::size_t>(i)] = static_cast<float>(
          a * std::exp(-static_cast<double>(i) / tau) * std::cos(2.0 * std::numbers::pi * f * static_cast<double>(i) / rate_));
    return out;
  }

  std::vector<float> sample_event(int c, uint64_t seed, float temperature) override {
    std::lock_guard lk(mu_);
    ++calls;
    return event(c, seed, temperature);
  }
  std::vector<float> sample_path(int c, int64_t frames, uint64_t seed) override {
    std::lock_guard lk(mu_);
    ++calls;
    return event(c, seed + 1000, 1.0f, frames);
  }
  std::vector<float> xy_event(int c, float x, float y, int64_t frames, uint64_t seed) override {
    std::lock_guard lk(mu_);
    ++calls;
    std::vector<float> e = event(c, seed, 1.0f, frames);
    for (float& v : e) v *= 0.5f + 0.25f * std::tanh(x + y);
    return e;
  }
  std::vector<float> morph_event(int a, int b, float t, uint64_t seed) override {
    std::lock_guard lk(mu_);
    ++calls;
    std::vector<float> ea = event(a, seed, 1.0f), eb = event(b, seed, 1.0f);
    for (std::size_t i = 0; i < ea.size(); ++i) ea[i] = (1.0f - t) * ea[i] + t * eb[i];
    return ea;
  }

  // Streams: chunk k of a stream is a cosine whose frequency follows x, amplitude y.
  int stream_chunk_frames() const override { return 128; }
  live::StreamRenderer stream_renderer(int) override {
    return [this](const live::StreamState& s, int64_t chunk, std::span<float> out) {
      const double f = 200.0 + 100.0 * (s.params.empty() ? 0.0 : s.params[0]);
      const double a = 0.1 + 0.05 * std::abs(s.params.size() > 1 ? s.params[1] : 0.0f);
      const int n = std::min<int>(128, static_cast<int>(out.size()));
      for (int i = 0; i < n; ++i)
        out[i] = static_cast<float>(a * std::cos(2.0 * std::numbers::pi * f * double(chunk * 128 + i) / rate_));
      return n;
    };
  }

  std::atomic<int> calls{0};

 private:
  std::mutex mu_;
  int rate_;
  int frames_;
  std::vector<std::string> classes_;
};

}  // namespace ngsynth::test
