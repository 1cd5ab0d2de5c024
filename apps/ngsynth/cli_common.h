// What the generating subcommands share: the model and output options, reading a sound at
// the model's rate, choosing a class by name, and writing WAV files with a one-line report.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "ngsynth/model/model_file.h"
#include "ngsynth/runtime/model.h"

namespace ngsynth::cli {

struct RenderArgs {
  std::string model, device = "cpu", format = "pcm16", prior;
  uint64_t seed = 1;
  double max_seconds = 600;  // longest sound read or made
};
// The command line this program was started with, shell-quoted where an argument needs it
// (recorded by `make` in the model file); set once by main.
void set_command_line(int argc, char** argv);
const std::string& command_line();

// --model (required), --seed, --format, --device, --max-seconds.
void add_render_options(CLI::App& app, RenderArgs& a);
// --prior, for the commands that sample events.
void add_prior_option(CLI::App& app, std::string& prior);
// The model, with the event prior chosen by --prior when given.
Model open_model(const RenderArgs& a);
// Makes `name` (standard, gaussian or mixture) the prior the model samples from; Error when
// the model has no class priors for it.
void use_prior(Model& m, const std::string& name);
// The model as the synthesis runtime plays it: read without LibTorch, or, for a model file
// of format version 1, made from its LibTorch weights.
std::shared_ptr<const rt::Model> open_runtime_model(const RenderArgs& a);

// A sound file as mono samples at `rate`; longer than --max-seconds is an error.
std::vector<float> read_sound(const RenderArgs& a, const std::string& path, int rate);
// Before rendering `samples` at `rate`: an Error ("WHAT: would make ...") past
// --max-seconds, and a line on stderr when the work is long (over a minute of audio).
void check_output_length(const RenderArgs& a, int64_t samples, int rate, const std::string& what);
// The index of class `name`, or, when name is empty, the class closest to `audio` (or class
// 0 when there is no audio to compare with).
int pick_class(Model& m, const std::string& name, const std::vector<float>* audio,
               uint64_t seed);
// Writes a WAV at the model's rate and prints "PATH: 1.234 s, WHAT".
void write_sound(const std::filesystem::path& path, const std::vector<float>& audio,
                 const Model& m, const std::string& format, const std::string& what);
void write_sound(const std::filesystem::path& path, const std::vector<float>& audio,
                 int sample_rate, const std::string& format, const std::string& what);
// Ctrl-C and SIGTERM set this flag instead of killing the program, so that long-running
// commands (train, serve) can stop cleanly: checkpoint, close the audio device.
const std::atomic<bool>& catch_interrupts();

// The folder, created if needed.
std::filesystem::path output_dir(const std::string& dir);

}  // namespace ngsynth::cli
