// What the plugin tests share: the random-weight model file, notes at host frames, and
// the reference rendering of notes from the runtime itself (rt::Instrument), not from the
// plugin, resampled with the plugin's converter.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <unistd.h>

#include "note_map.h"
#include "rate_converter.h"
#include "test_model_writer.h"
#include "ngsynth/runtime/instrument.h"

namespace ngsynth::test {

namespace fs = std::filesystem;

struct Note {
  int64_t frame;
  uint8_t key, velocity;
};

inline const fs::path& model_path() {
  static const fs::path p = [] {
    fs::path dir = fs::temp_directory_path() / ("ngsynth_plugin_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    test::write_test_model(dir / "model.ngs");
    return dir / "model.ngs";
  }();
  return p;
}

// What the plugin should play: every note's hit (class through the GM map, gain
// velocity / 127) at model frame llround(frame * 16000 / 48000) + lead, resampled with
// the plugin's converter. The hits come from rt::Instrument, not from the plugin.
struct Reference {
  std::shared_ptr<const rt::Model> model = rt::load_model(model_path());
  rt::Instrument instrument{model};
  std::array<int, 128> classes = drums::NoteMap::general_midi().resolve(model->classes());

  std::vector<float> hit(int c, uint64_t seed = 0) { return instrument.sample_event(c, seed, 1.0f); }
  std::vector<float> render(const std::vector<Note>& notes, int64_t frames, int host_rate, int lead,
                            uint64_t seed = 0) {
    const int rate = model->grain().sample_rate;
    std::vector<float> m(static_cast<std::size_t>(frames * rate / host_rate + 4096), 0.0f);
    for (const Note& n : notes) {
      const int c = classes[n.key];
      if (c < 0) continue;
      const int64_t at = (2 * n.frame * rate + host_rate) / (2 * int64_t(host_rate)) + lead;
      const std::vector<float> x = hit(c, seed);
      const float gain = n.velocity / 127.0f;
      for (std::size_t i = 0; i < x.size() && at + int64_t(i) < int64_t(m.size()); ++i) {
        float v = x[i];
        if (gain != 1.0f) v *= gain;
        m[static_cast<std::size_t>(at) + i] += v;
      }
    }
    struct Src {
      const std::vector<float>* m;
      std::size_t pos = 0;
    } src{&m};
    drums::RateConverter conv(rate, host_rate, [](void* ctx, std::span<float> out) noexcept {
      auto* s = static_cast<Src*>(ctx);
      for (float& v : out) v = s->pos < s->m->size() ? (*s->m)[s->pos++] : 0.0f;
    }, &src);
    std::vector<float> out(static_cast<std::size_t>(frames));
    conv.process(out);
    return out;
  }
};

inline float peak(std::span<const float> x) {
  float p = 0;
  for (float v : x) p = std::max(p, std::abs(v));
  return p;
}

// ||a - b||^2 / ||b||^2.
inline double residual(std::span<const float> a, std::span<const float> b) {
  double d = 0, bb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d += (double(a[i]) - b[i]) * (double(a[i]) - b[i]), bb += double(b[i]) * b[i];
  return d / (bb + 1e-30);
}

// Normalised correlation of two equal-length signals.
inline double correlation(std::span<const float> a, std::span<const float> b) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) ab += double(a[i]) * b[i], aa += double(a[i]) * a[i], bb += double(b[i]) * b[i];
  return ab / std::sqrt(aa * bb + 1e-30);
}

}  // namespace ngsynth::test
