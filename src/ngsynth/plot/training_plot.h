// A picture of a training run: training loss and test-split distance against steps, drawn
// from RUN/log.jsonl into RUN/training.png after every test evaluation, so a person can see
// at a glance whether the run still improves.
#pragma once

#include <filesystem>

namespace ngsynth {

// Reads the JSON-lines log and writes the PNG (atomically). Lines it cannot parse are
// skipped; with fewer than two points nothing is drawn and false is returned.
bool plot_training_log(const std::filesystem::path& log_path,
                       const std::filesystem::path& png_path);

}  // namespace ngsynth
