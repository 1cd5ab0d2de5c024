// ngsynth: neural granular sound synthesis from the command line.
#include <cstdio>
#include <exception>
#include <map>
#include <string>

#include <torch/torch.h>

#include "commands.h"
#include "ngsynth/util/error.h"

int main(int argc, char** argv) {
  CLI::App app{
      "ngsynth: train a neural granular synthesiser on your own library of short sounds,\n"
      "then play it. Typical session:\n"
      "  ngsynth prepare /usr/share/hydrogen/data/drumkits -o drums.ngd\n"
      "  ngsynth train --data drums.ngd -o runs/drums --max-minutes 60\n"
      "  ngsynth export runs/drums -o drums.ngs\n"
      "  ngsynth reconstruct --model drums.ngs kick.wav -o kick_ngs.wav\n"
      "  ngsynth eval --model drums.ngs --data drums.ngd",
      "ngsynth"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "ngsynth 0.1.0");

  std::map<CLI::App*, ngsynth::cli::Run> runs;
  auto add = [&](const char* name, const char* help, auto adder) {
    CLI::App* sub = app.add_subcommand(name, help);
    runs[sub] = adder(*sub);
  };
  add("prepare", "Import sound folders or Hydrogen drumkits into a dataset file",
      ngsynth::cli::add_prepare);
  add("train", "Train the grain VAE on a dataset (checkpoints, resumable)",
      ngsynth::cli::add_train);
  add("export", "Write a trained run as one self-describing model file (.ngs)",
      ngsynth::cli::add_export);
  add("reconstruct", "Auto-encode a sound file with a model", ngsynth::cli::add_reconstruct);
  add("eval", "Test-split reconstruction metrics of a model on a dataset",
      ngsynth::cli::add_eval);
  add("bench", "Measure training and synthesis speed", ngsynth::cli::add_bench);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
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
