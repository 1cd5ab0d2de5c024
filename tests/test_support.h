// Helpers shared by the tests: scratch folders, running the real program, real sounds.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ngsynth::test {

// A fresh, empty folder under the system temp dir, removed when the object dies.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag);
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a shell command line, capturing its output.
CommandResult run_command(const std::string& command_line);

// Writes a mono 16-bit WAV (via libsndfile).
void write_test_wav(const std::filesystem::path& path, const std::vector<float>& samples,
                    int sample_rate);

// The Hydrogen kits folder installed by scripts/setup.sh.
std::filesystem::path drumkits_dir();

// `ngsynth train` options for models small enough to train in seconds, per stage.
inline const std::string kTinyGrainArgs =
    " --set encoder_hidden=32 --set decoder_hidden=32 --set z_dim=8 --set eval_every=3"
    " --set batch_size=4 --threads 1 -q";
inline const std::string kTinyEventArgs =
    " --set hidden=16 --set embed_dim=4 --set eval_every=3 --set batch_size=4 --threads 1 -q"
    " --judge-samples 0";
// A drum classifier small enough to train in a second or two (`train --stage classifier`).
inline const std::string kTinyClassifierArgs =
    " --set steps=20 --set channels=4 --set embed_dim=4 --set n_fft=256 --set n_mels=16"
    " --threads 1 -q";

// A path in single quotes, for shell command lines.
std::string quote(const std::filesystem::path& p);
// The built `ngsynth` program, quoted.
std::string cli();
// Runs `ngsynth ARGS` and expects a non-zero exit with exactly one output line, the error
// line "ngsynth: error: ..." containing `needle` (GoogleTest failures otherwise).
void expect_cli_error(const std::string& args, const std::string& needle);

}  // namespace ngsynth::test
