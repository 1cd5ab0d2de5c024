// ngsynth demo: a gallery page of what a model does, in the spirit of the paper's
// companion page: sampled hits per class, reconstructions, latent paths, resyntheses of
// outside sounds, morphs, a stretch, a blend, a drum loop, the latent map and the class
// fidelity table, each sound with a player and a spectrogram (demo/demo_page.h).
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <unistd.h>

#include "cli_common.h"
#include "commands.h"
#include "ngsynth/audio/audio_file.h"
#include "ngsynth/audio/resample.h"
#include "ngsynth/data/dataset.h"
#include "ngsynth/demo/demo_page.h"
#include "ngsynth/demo/gallery.h"
#include "ngsynth/eval/fidelity.h"
#include "ngsynth/plot/map_plot.h"
#include "ngsynth/live/pattern.h"
#include "ngsynth/live/pattern_render.h"
#include "ngsynth/runtime/instrument.h"
#include "ngsynth/synth/autoencode.h"
#include "ngsynth/synth/event.h"
#include "ngsynth/synth/latent_path.h"
#include "ngsynth/synth/latent_series.h"
#include "ngsynth/synth/render.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"

namespace ngsynth::cli {
namespace {
namespace fs = std::filesystem;
using demo::DemoRow;
using demo::DemoSound;

struct DemoArgs : RenderArgs {
  std::string output, data;
  std::vector<std::string> sounds;
  int samples = 4;
  double temperature = 0.5;
  bool no_fidelity = false, no_speech = false;
};

std::string two_decimals(double x) {
  if (std::isnan(x)) return "-";
  char b[32];
  std::snprintf(b, sizeof b, "%.0f %%", 100 * x);
  return b;
}

// A 2 s exponential sine sweep from 40 Hz to 6 kHz at half scale: a sound no drum kit has.
std::vector<float> sine_sweep(int rate) {
  const int n = 2 * rate;
  const double f0 = 40, f1 = 6000, k = std::log(f1 / f0) / n;
  std::vector<float> x(n);
  for (int i = 0; i < n; ++i) {
    const double phase = 2 * M_PI * f0 * (std::exp(k * i) - 1) / (k * rate);
    const double fade = std::min({1.0, i / (0.01 * rate), (n - i) / (0.01 * rate)});
    x[i] = static_cast<float>(0.5 * fade * std::sin(phase));
  }
  return x;
}

// A phrase spoken by espeak-ng (Debian's espeak-ng), or nothing when it is not installed.
std::vector<float> spoken_phrase(const fs::path& tmp, int rate) {
  const fs::path wav = tmp / ("ngsynth-demo-phrase-" + std::to_string(::getpid()) + ".wav");
  const std::string cmd = "espeak-ng -w '" + wav.string() +
                          "' 'neural granular sound synthesis' >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0 || !fs::exists(wav)) return {};
  Audio a = read_audio(wav);
  fs::remove(wav);
  return resample(a.samples, a.sample_rate, rate);
}

// Refuses a non-empty output folder before minutes of work, then opens the model.
Model open_checked(const DemoArgs& a) {
  std::error_code ec;
  if (fs::exists(a.output, ec) && !(fs::is_directory(a.output, ec) && fs::is_empty(a.output, ec)))
    fail_file(a.output, "exists and is not an empty folder: give another -o");
  return open_model(a);
}

class Demo {
 public:
  explicit Demo(const DemoArgs& a) : a_(a), m_(open_checked(a)) {
    m_.require_event();
    m_.require_map();
    rate_ = m_.info.grain.sample_rate;
  }

  int run(const std::string& command_line) {
    demo::DemoContent c;
    c.model_name = fs::path(a_.model).filename().string();
    c.classes = m_.info.classes;
    c.command_line = command_line;
    c.facts = {{"sample rate", std::to_string(rate_) + " Hz"},
               {"seed", std::to_string(a_.seed)},
               {"temperature of sampled hits", std::to_string(a_.temperature).substr(0, 4)}};
    const std::optional<Dataset> data = dataset(c);
    step("sampled hits");
    for (std::size_t k = 0; k < classes(); ++k) {
      DemoRow row{m_.info.classes[k], {}};
      const auto events = sample_events(m_, static_cast<int>(k), a_.samples, a_.temperature,
                                        mix_seed(a_.seed, k));
      for (std::size_t i = 0; i < events.size(); ++i)
        row.sounds.push_back(sound(m_.info.classes[k] + " " + std::to_string(i + 1), events[i]));
      c.sampled.push_back(std::move(row));
    }
    if (data) reconstructions(*data, c);
    paths(c);
    resyntheses(c);
    morphs(c);
    stretch_and_blend(c);
    loop(c);
    const fs::path map = fs::temp_directory_path() / ("ngsynth-demo-map-" + std::to_string(::getpid()) + ".png");
    draw_latent_map(m_.info.map, m_.info.classes, map, "latent map of " + c.model_name);
    c.latent_map = map;
    if (data && !a_.no_fidelity) fidelity(*data, c);
    step("writing the page");
    try {
      const demo::GalleryFiles files = demo::write_gallery(a_.output, demo::demo_gallery(c));
      fs::remove(map);
      std::printf("%s: %zu sounds with their spectrograms; open %s\n", a_.output.c_str(),
                  files.sounds.size(), (fs::path(a_.output) / "index.html").c_str());
    } catch (...) {
      fs::remove(map);
      throw;
    }
    return 0;
  }

 private:
  std::size_t classes() const { return std::max<std::size_t>(1, m_.info.classes.size()); }
  std::string class_name(int k) const {
    return m_.info.classes.empty() ? "event" : m_.info.classes.at(static_cast<std::size_t>(k));
  }
  DemoSound sound(const std::string& caption, std::vector<float> samples, int rate = 0) const {
    return DemoSound{caption, std::move(samples), rate ? rate : rate_, ""};
  }
  void step(const char* what) const { std::fprintf(stderr, "demo: %s\n", what); }

  // --data, or the dataset the model was trained on when it is still there; none: the
  // sections that need real sounds are left out, and the page says so.
  std::optional<Dataset> dataset(demo::DemoContent& c) const {
    fs::path path = a_.data;
    if (path.empty()) path = m_.info.training.value("dataset", std::string());
    if (path.empty() || !fs::exists(path)) {
      if (!a_.data.empty()) fail_file(a_.data, "no such file");
      c.facts.push_back({"test sounds", "none (the training dataset is not here; give --data)"});
      return std::nullopt;
    }
    Dataset d = load_dataset(path);
    if (d.sample_rate != rate_) fail_file(path, "is at another sample rate than the model");
    c.facts.push_back({"test sounds from", path.string()});
    return d;
  }
  // The first test event of each class (or of the dataset when a class has none).
  std::vector<std::pair<int, std::vector<float>>> test_events(const Dataset& d) const {
    std::vector<std::pair<int, std::vector<float>>> out;
    const auto test = d.indices(Split::test);
    for (std::size_t k = 0; k < m_.info.classes.size(); ++k)
      for (std::size_t i : test)
        if (d.classes[d.entries[i].class_index] == m_.info.classes[k]) {
          out.push_back({static_cast<int>(k),
                         std::vector<float>(d.event(i), d.event(i) + d.event_length)});
          break;
        }
    return out;
  }

  void reconstructions(const Dataset& d, demo::DemoContent& c) {
    step("reconstructions of test sounds");
    events_ = test_events(d);
    for (const auto& [k, x] : events_) {
      AutoencodeResult r = autoencode(m_.vae, x, k, a_.seed);
      c.reconstructions.push_back(
          {class_name(k), {sound("test " + class_name(k), x), sound("reconstruction", r.audio)}});
    }
  }

  void paths(demo::DemoContent& c) {
    step("latent paths");
    const GrainOptions& g = m_.info.grain;
    const int64_t length = 3 * rate_, n = m_.vae->framing().grains_for(length);
    const torch::Tensor from = random_point(m_.info.map, 1.0, mix_seed(a_.seed, 11));
    const torch::Tensor to = random_point(m_.info.map, 1.0, mix_seed(a_.seed, 12));
    for (std::size_t k = 0; k < std::min<std::size_t>(classes(), 2); ++k) {
      const torch::Tensor label = class_label(static_cast<int>(k));
      DemoRow row{class_name(static_cast<int>(k)), {}};
      row.sounds.push_back(sound("straight line, 3 s", render_latents(m_.vae, keyframe_path(torch::stack({from, to}), n), label, a_.seed, length)));
      row.sounds.push_back(sound("forward-backward, 0.5 s passes, random steps",
                                 render_latents(m_.vae, loop_path(from, to, n, 0.5 * g.sample_rate / g.hop, true, mix_seed(a_.seed, 13)), label, a_.seed, length)));
      c.paths.push_back(std::move(row));
    }
  }

  void resyntheses(demo::DemoContent& c) {
    step("resyntheses of outside sounds");
    std::vector<std::pair<std::string, std::vector<float>>> inputs;
    if (!a_.no_speech) {
      std::vector<float> phrase = spoken_phrase(fs::temp_directory_path(), rate_);
      if (!phrase.empty()) inputs.push_back({"spoken phrase (espeak-ng)", std::move(phrase)});
    }
    inputs.push_back({"sine sweep 40 Hz - 6 kHz", sine_sweep(rate_)});
    for (const auto& s : a_.sounds) inputs.push_back({fs::path(s).filename().string(), read_sound(a_, s, rate_)});
    for (auto& [name, x] : inputs) {
      AutoencodeResult r = autoencode(m_.vae, x, std::nullopt, a_.seed);
      const std::string as = r.label >= 0 ? "resynthesis, as " + class_name(r.label) : "resynthesis";
      c.resyntheses.push_back({name, {sound(name, x), sound(as, r.audio)}});
    }
  }

  void morphs(demo::DemoContent& c) {
    if (classes() < 2) return;
    step("morphs between classes");
    for (std::size_t k = 0; k + 1 < classes() && k < 3; ++k) {
      const int a = static_cast<int>(k), b = static_cast<int>(k + 1);
      const EventPoint pa{sample_embedding(m_, a, a_.temperature, mix_seed(a_.seed, 21 + k)), a};
      const EventPoint pb{sample_embedding(m_, b, a_.temperature, mix_seed(a_.seed, 31 + k)), b};
      const auto events = morph_events(m_, pa, pb, 5, a_.seed);
      DemoRow row{class_name(a) + " to " + class_name(b), {}};
      for (std::size_t i = 0; i < events.size(); ++i)
        row.sounds.push_back(sound("t = " + std::to_string(i * 0.25).substr(0, 4), events[i]));
      c.morphs.push_back(std::move(row));
    }
  }

  void stretch_and_blend(demo::DemoContent& c) {
    if (events_.empty()) return;
    step("time-stretch and blend");
    const auto& [k, x] = events_.back();
    c.stretches.push_back({class_name(k), {sound("test " + class_name(k), x),
                                           sound("stretched x2", stretch(m_.vae, x, 2.0, k, a_.seed))}});
    if (events_.size() < 2) return;
    const auto& [ka, xa] = events_[0];
    const auto& [kb, xb] = events_[1];
    c.blends.push_back({class_name(ka) + " and " + class_name(kb),
                        {sound(class_name(ka), xa), sound(class_name(kb), xb),
                         sound("blend, half and half", blend(m_.vae, xa, xb, 0.5, false, ka, a_.seed))}});
  }

  void loop(demo::DemoContent& c) {
    step("a drum-machine loop");
    auto rt_model = open_runtime_model(a_);
    rt::Instrument instrument(rt_model);
    const live::Pattern pattern = live::default_pattern(instrument.classes());
    c.loops.push_back({"", {sound("the default beat, 2 loops at " +
                                      std::to_string(static_cast<int>(pattern.tempo)) + " BPM",
                                  live::render_pattern(pattern, instrument, 2, live::LoopTail::cut))}});
  }

  void fidelity(const Dataset& d, demo::DemoContent& c) {
    if (m_.classifier.empty()) return;
    step("class fidelity (8 samples per class)");
    FidelityOptions o;
    o.samples = 8;
    o.temperature = a_.temperature;
    o.seed = a_.seed;
    const FidelityReport f = evaluate_fidelity(m_, m_.classifier, d, Split::test, o);
    c.fidelity.caption = "How often the model's drum classifier hears real test sounds, sampled "
                         "hits and resyntheses as their class";
    c.fidelity.header = {"class", "real", "sampled", "resynthesised"};
    auto row = [](const FidelityRow& r) {
      return std::vector<std::string>{r.name, two_decimals(r.real_accuracy),
                                      two_decimals(r.sampled_accuracy), two_decimals(r.resynth_accuracy)};
    };
    for (const auto& r : f.classes) c.fidelity.rows.push_back(row(r));
    c.fidelity.rows.push_back(row(f.overall));
  }

  const DemoArgs& a_;
  Model m_;
  int rate_ = 0;
  std::vector<std::pair<int, std::vector<float>>> events_;
};

}  // namespace

Run add_demo(CLI::App& app) {
  auto a = std::make_shared<DemoArgs>();
  app.description(
      "Write a gallery page of what a model does: new hits per class, reconstructions of test\n"
      "sounds beside their inputs, straight and forward-backward latent paths, resyntheses\n"
      "of outside sounds (a phrase spoken by espeak-ng, a sine sweep, your --sound files),\n"
      "morphs between classes, a time-stretch, a blend, a drum-machine loop, the latent map\n"
      "and the class fidelity table. Every sound has a player and a spectrogram; the page\n"
      "is one folder that works offline (open DIR/index.html).");
  app.footer("Example: ngsynth demo --model drums.ngs -o gallery --sound voice.wav");
  add_render_options(app, *a);
  app.add_option("-o,--output", a->output, "Folder to write (absent or empty)")->required();
  app.add_option("--data", a->data, "Dataset of the test sounds (default: the model's, if present)");
  app.add_option("--sound", a->sounds, "More sounds to resynthesise (repeatable)");
  app.add_option("--samples", a->samples, "Sampled hits per class")
      ->check(CLI::Range(1, 32))->capture_default_str();
  app.add_option("-t,--temperature", a->temperature, "Temperature of the sampled hits")
      ->check(CLI::Range(0.0, 10.0))->capture_default_str();
  app.add_flag("--no-fidelity", a->no_fidelity, "Leave out the class fidelity table (faster)");
  app.add_flag("--no-speech", a->no_speech, "Leave out the espeak-ng phrase");
  return [a] {
    std::string line = "ngsynth demo --model " + a->model + " -o " + a->output;
    for (const auto& s : a->sounds) line += " --sound " + s;
    return Demo(*a).run(line);
  };
}

}  // namespace ngsynth::cli
