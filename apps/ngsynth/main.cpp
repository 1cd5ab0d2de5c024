// ngsynth: neural granular sound synthesis from the command line.
#include <cstdio>
#include <exception>
#include <map>
#include <string>

#include <torch/torch.h>

#include "cli_common.h"
#include "commands.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/version.h"

int main(int argc, char** argv) {
  CLI::App app{
      "ngsynth: train a neural granular synthesiser on your own library of short sounds,\n"
      "then play it. Typical session:\n"
      "  ngsynth prepare /usr/share/hydrogen/data/drumkits -o drums.ngd\n"
      "  ngsynth train --data drums.ngd -o runs/grain --max-minutes 60\n"
      "  ngsynth export runs/grain -o grain.ngs\n"
      "  ngsynth train --stage temporal --model grain.ngs --data drums.ngd -o runs/event\n"
      "  ngsynth export runs/event -o drums.ngs\n"
      "  ngsynth sample --model drums.ngs --class snare -n 8 -o samples/\n"
      "  ngsynth resynth --model drums.ngs voice.wav --class kick -o voice_kick.wav\n"
      "  ngsynth map --model drums.ngs -o map.png\n"
      "Each subcommand explains itself: ngsynth SUBCOMMAND --help",
      "ngsynth"};
  app.require_subcommand(1);
  app.set_version_flag("--version", ngsynth::version_text());

  std::map<CLI::App*, ngsynth::cli::Run> runs;
  auto add = [&](const char* name, const char* help, auto adder) {
    CLI::App* sub = app.add_subcommand(name, help);
    runs[sub] = adder(*sub);
    return sub;
  };
  add("make", "Make a playable model from sound folders in one command", ngsynth::cli::add_make);
  add("prepare", "Import sound folders or Hydrogen drumkits into a dataset file",
      ngsynth::cli::add_prepare);
  add("train", "Train the grain VAE on a dataset (checkpoints, resumable)",
      ngsynth::cli::add_train);
  add("export", "Write a trained run as one self-describing model file (.ngs)",
      ngsynth::cli::add_export);
  add("eval", "Test-split reconstruction metrics of a model on a dataset",
      ngsynth::cli::add_eval);
  add("sample", "New events of a class from the event embedding", ngsynth::cli::add_sample);
  add("path", "Free synthesis along a path in the grain latent space", ngsynth::cli::add_path);
  add("resynth", "Resynthesise any sound in the model's style (alias: reconstruct)",
      ngsynth::cli::add_resynth)->alias("reconstruct");
  add("morph", "Events morphing between two sounds or classes", ngsynth::cli::add_morph);
  add("stretch", "Time-stretch a sound without changing its pitch", ngsynth::cli::add_stretch);
  add("blend", "Mix or crossfade two sounds in the latent space", ngsynth::cli::add_blend);
  add("map", "Draw the latent map of a model (PNG or SVG)", ngsynth::cli::add_map);
  add("drums", "Render a drum-machine pattern with a model (offline)", ngsynth::cli::add_drums);
  add("demo", "Write a gallery page of what a model does (sounds + spectrograms)", ngsynth::cli::add_demo);
  add("kit", "Sample a Hydrogen drumkit and an SFZ file from a model", ngsynth::cli::add_kit);
  add("serve", "Play a model live: OSC server, drum machine, JACK", ngsynth::cli::add_serve);
  add("bench", "Measure training and synthesis speed", ngsynth::cli::add_bench);

  ngsynth::cli::set_command_line(argc, argv);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    // Bad options: one line naming the problem, like every other error.
    std::fprintf(stderr, "ngsynth: error: %s (see --help)\n", e.what());
    return e.get_exit_code();
  }
  try {
    for (auto* sub : app.get_subcommands()) return runs.at(sub)();
  } catch (const c10::Error& e) {
    // LibTorch messages carry a backtrace; the first line says what went wrong.
    std::string what = e.what_without_backtrace();
    std::fprintf(stderr, "ngsynth: error: %s\n", what.substr(0, what.find('\n')).c_str());
    return 1;
  } catch (const ngsynth::Error& e) {
    std::fprintf(stderr, "ngsynth: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ngsynth: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
