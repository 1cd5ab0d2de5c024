// What `ngsynth demo` shows, as plain sounds, and the gallery page made of it: the sections
// of the paper's companion page (sampled events per class, reconstructions, latent paths,
// resynthesis of outside sounds, morphs) plus what ngsynth adds (time-stretch, blend, a
// drum-machine loop, the latent map, the class fidelity table), each with its
// explanation. The demo command computes the sounds with the model (LibTorch) and fills
// DemoContent; the page's wording and order live here, torch-free and tested.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "ngsynth/demo/gallery.h"

namespace ngsynth::demo {

struct DemoSound {
  std::string caption;
  std::vector<float> samples;  // mono
  int sample_rate = 0;
  std::string note;  // optional second line, e.g. "heard as: snare"
};

// Sounds shown side by side under one label ("snare 2": input, reconstruction). A row
// without a label shows its sounds one by one, unboxed.
struct DemoRow {
  std::string label;
  std::vector<DemoSound> sounds;
};

struct DemoContent {
  std::string title;          // empty: "ngsynth demo: MODEL_NAME"
  std::string model_name;     // the model file's name
  std::vector<std::string> classes;
  std::string command_line;   // as typed
  std::string date;           // empty: utc_date_time()
  std::vector<std::pair<std::string, std::string>> facts;  // more lines (rate, seed ...)

  // Every part may be empty; its section is then left out.
  std::vector<DemoRow> sampled;          // one row per class: events sampled from it
  std::vector<DemoRow> reconstructions;  // test sounds: input, reconstruction
  std::vector<DemoRow> paths;            // linear and forward-backward latent paths
  std::vector<DemoRow> resyntheses;      // outside sounds: input, resynthesis
  std::vector<DemoRow> morphs;           // class A ... class B
  std::vector<DemoRow> stretches;        // original, stretched
  std::vector<DemoRow> blends;           // A, B, their blend
  std::vector<DemoRow> loops;            // the drum machine's loop
  std::filesystem::path latent_map;      // a .png or .svg picture; empty: none
  GalleryTable fidelity;                 // no rows: no table
};

// The page: title, intro and facts (model, classes, command, date, then `facts`), then one
// section per non-empty part in the order above.
Gallery demo_gallery(const DemoContent& content);

}  // namespace ngsynth::demo
