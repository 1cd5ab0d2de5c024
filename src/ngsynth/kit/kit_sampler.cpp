#include "ngsynth/kit/kit_sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"

namespace ngsynth::kit {

namespace {

float peak(const std::vector<float>& x) {
  float p = 0.0f;
  for (float v : x) p = std::max(p, std::abs(v));
  return p;
}

}  // namespace

uint64_t hit_seed(uint64_t seed, const std::string& class_name, int hit) {
  return mix_seed(mix_seed(seed, fnv1a64(class_name)), static_cast<uint64_t>(hit));
}

KitDescription sample_kit(live::Instrument& instrument, const KitSampling& s) {
  const std::vector<std::string>& all = instrument.classes();
  if (all.empty()) throw Error("kit: the model has no classes to make instruments of");
  if (s.layers < 1 || s.layers > 127) throw Error("kit: --layers must be in 1..127");
  if (s.variations < 1 || s.variations > 64) throw Error("kit: variations must be in 1..64");
  if (!(s.temperature > 0.0f) || !std::isfinite(s.temperature))
    throw Error("kit: the temperature must be > 0");
  std::vector<int> classes;
  for (const std::string& name : s.classes.empty() ? all : s.classes) {
    const auto it = std::find(all.begin(), all.end(), name);
    if (it == all.end()) throw Error("kit: the model has no class '" + name + "'");
    classes.push_back(static_cast<int>(it - all.begin()));
  }

  KitDescription kit;
  kit.sample_rate = instrument.sample_rate();
  std::ostringstream info;
  info << "Sampled from a neural granular model by ngsynth kit: " << s.layers
       << " velocity layer" << (s.layers > 1 ? "s" : "");
  if (s.variations > 1) info << " of " << s.variations << " round-robin hits";
  info << " per class, seed " << s.seed << ", temperature " << s.temperature << ".";
  kit.info = info.str();

  const int hits = s.layers * s.variations;
  for (int c : classes) {
    const std::string& name = all[static_cast<std::size_t>(c)];
    std::vector<std::vector<float>> events;
    for (int h = 0; h < hits; ++h) {
      std::vector<float> e = instrument.sample_event(c, hit_seed(s.seed, name, h), s.temperature);
      if (e.empty()) throw Error("kit: class '" + name + "': the model returned an empty event");
      if (!std::all_of(e.begin(), e.end(), [](float v) { return std::isfinite(v); }))
        throw Error("kit: class '" + name + "': the model returned a NaN or infinite sample");
      events.push_back(std::move(e));
    }
    // Softest first (stable: equal peaks keep their seed order), then one common peak.
    std::vector<float> peaks;
    for (const auto& e : events) peaks.push_back(peak(e));
    std::vector<std::size_t> order(events.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return peaks[a] < peaks[b]; });
    std::vector<float> sorted_peaks = peaks;
    std::sort(sorted_peaks.begin(), sorted_peaks.end());
    const std::size_t n = sorted_peaks.size();
    const float median = n % 2 ? sorted_peaks[n / 2] : 0.5f * (sorted_peaks[n / 2 - 1] + sorted_peaks[n / 2]);
    const float target = std::min(median, 0.98f);

    KitInstrument inst;
    inst.name = name;
    inst.selection = s.variations > 1 ? LayerSelection::round_robin : LayerSelection::velocity;
    for (int l = 0; l < s.layers; ++l)
      for (int v = 0; v < s.variations; ++v) {
        const std::size_t k = order[static_cast<std::size_t>(l * s.variations + v)];
        KitLayer layer;
        layer.audio = std::move(events[k]);
        if (peaks[k] > 0.0f && target > 0.0f) {
          const float g = target / peaks[k];
          for (float& x : layer.audio) x *= g;
        }
        layer.min_velocity = static_cast<float>(l) / static_cast<float>(s.layers);
        layer.max_velocity = static_cast<float>(l + 1) / static_cast<float>(s.layers);
        inst.layers.push_back(std::move(layer));
      }
    kit.instruments.push_back(std::move(inst));
  }
  return kit;
}

}  // namespace ngsynth::kit
