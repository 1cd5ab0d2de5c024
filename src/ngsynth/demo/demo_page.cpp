// The explanations follow the companion page of Bitton, Esling & Harada, "Neural Granular
// Sound Synthesis" (ICMC 2020), re-worded for what ngsynth renders; the sections that page
// does not have (stretch, blend, loop, map, fidelity) say what was done and how to read it.
#include "ngsynth/demo/demo_page.h"

namespace ngsynth::demo {

namespace {

void add_rows(GallerySection& s, const std::vector<DemoRow>& rows) {
  for (const DemoRow& row : rows)
    for (const DemoSound& snd : row.sounds)
      s.sounds.push_back({snd.caption, snd.note, row.label, snd.samples, snd.sample_rate});
}

bool any_sound(const std::vector<DemoRow>& rows) {
  for (const DemoRow& r : rows)
    if (!r.sounds.empty()) return true;
  return false;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

Gallery demo_gallery(const DemoContent& c) {
  Gallery g;
  g.title = !c.title.empty() ? c.title
                             : "ngsynth demo: " + (c.model_name.empty() ? std::string("model") : c.model_name);
  g.intro =
      "Sounds from a neural granular synthesis model (after Bitton, Esling & Harada, \"Neural "
      "Granular Sound Synthesis\", ICMC 2020), rendered by ngsynth. A grain VAE learns a latent "
      "space of short windowed grains and decodes any point of it to a grain of filtered noise; "
      "an event VAE above it learns whole grain paths, so that drum hits can be sampled per "
      "class and morphed.\n\n"
      "Every sound below is a raw output of the model (inputs excepted), with no effect added. "
      "Each has a player and its spectrogram; sounds that belong together are shown side by side.";
  g.facts.push_back({"Model", c.model_name});
  if (!c.classes.empty()) g.facts.push_back({"Classes", joined(c.classes)});
  if (!c.command_line.empty()) g.facts.push_back({"Command", c.command_line});
  g.facts.push_back({"Date", c.date.empty() ? utc_date_time() : c.date});
  for (const auto& f : c.facts) g.facts.push_back(f);

  auto section = [&](const std::vector<DemoRow>& rows, std::string title, std::string text) {
    if (!any_sound(rows)) return;
    GallerySection s;
    s.title = std::move(title);
    s.text = std::move(text);
    add_rows(s, rows);
    g.sections.push_back(std::move(s));
  };
  section(c.sampled, "Sampled events",
          "Drum hits generated from the event embedding: for each class an embedding is drawn "
          "from that class's prior, the event decoder turns it into a path of grain latents, and "
          "the grain decoder renders the path to sound. One row per class.");
  section(c.reconstructions, "Reconstructions",
          "Sounds from the held-out test split of the training corpus, each beside its "
          "reconstruction: the grain encoder maps every grain of the input to the latent space "
          "and the decoder renders it back. This is where the model should be most faithful.");
  section(c.paths, "Latent paths",
          "Free synthesis: trajectories drawn across the grain latent space, decoded grain by "
          "grain. A linear path goes from one point to another; a forward-backward path travels "
          "the same segment to and fro, so it can go on for as long as wanted.");
  section(c.resyntheses, "Resynthesis of other sounds",
          "Sounds from outside the training corpus, each beside its resynthesis: encoded grain by "
          "grain and decoded by a model that only knows drums, so only part of the input's "
          "features survive and the result takes on the sound of the training data.");
  section(c.morphs, "Morphs between classes",
          "Interpolations in the event embedding: each row starts at an event of one class and "
          "ends at an event of another, with the class conditioning mixed in the same proportion, "
          "so the envelope and timbre change step by step.");
  section(c.stretches, "Time-stretch",
          "A sound's latent series read at a new rate and decoded: the grain path, not the "
          "waveform, is stretched, so the pitch stays while the duration changes.");
  section(c.blends, "Blend",
          "Two sounds' latent series mixed grain by grain (the second fitted to the first's "
          "length) and decoded: one sound between the two rather than the two played together.");
  section(c.loops, "Drum-machine loop",
          "A pattern of the step sequencer played with hits sampled from the model, one track per "
          "class, as `ngsynth drums` renders it.");
  if (!c.latent_map.empty()) {
    GallerySection s;
    s.title = "Latent map";
    s.text =
        "The training grains projected onto the two principal axes of the grain latent space, "
        "one dot per grain coloured by its class: where the classes live, and the plane the "
        "live instrument's map is drawn on.";
    s.images.push_back({c.latent_map, "Latent map of the training grains"});
    g.sections.push_back(std::move(s));
  }
  if (!c.fidelity.rows.empty()) {
    GallerySection s;
    s.title = "Class fidelity";
    s.text =
        "How a drum classifier trained on the same corpus hears the model's sounds: its accuracy "
        "on real test events (the ceiling), on sampled events and on resyntheses, per class.";
    s.tables.push_back(c.fidelity);
    g.sections.push_back(std::move(s));
  }
  return g;
}

}  // namespace ngsynth::demo
