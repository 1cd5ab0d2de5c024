// Each subcommand lives in its own cmd_*.cpp: `add_X` declares its options on the CLI11
// app and returns the function that runs it once parsed. main() only dispatches.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace ngsynth::cli {

using Run = std::function<int()>;

Run add_prepare(CLI::App& app);
Run add_train(CLI::App& app);
Run add_export(CLI::App& app);
Run add_resynth(CLI::App& app);
Run add_eval(CLI::App& app);
Run add_bench(CLI::App& app);
Run add_sample(CLI::App& app);
Run add_path(CLI::App& app);
Run add_morph(CLI::App& app);
Run add_stretch(CLI::App& app);
Run add_blend(CLI::App& app);
Run add_map(CLI::App& app);
Run add_drums(CLI::App& app);
Run add_serve(CLI::App& app);
Run add_kit(CLI::App& app);
Run add_make(CLI::App& app);
Run add_demo(CLI::App& app);

}  // namespace ngsynth::cli
