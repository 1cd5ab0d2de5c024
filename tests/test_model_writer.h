// A model file for the plugin's tests, written without LibTorch: random runtime weights
// of a tiny two-level model (the tensor names LibTorch's modules give, as in
// test_runtime.cpp), a latent map, and the header keys rt::load_model reads, through the
// same container code (util/container) that `ngsynth export` writes with. Format 2.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ngsynth::test {

struct TestModelSpec {
  std::vector<std::string> classes = {"kick", "snare", "clap", "hihat", "tom", "perc"};
  int sample_rate = 16000;
  int n_grains = 32;   // event: (n_grains - 1) * 64 + 256 frames (2240: 140 ms at 16 kHz)
  uint64_t seed = 1;   // of the weights
};

void write_test_model(const std::filesystem::path& path, const TestModelSpec& spec = {});

}  // namespace ngsynth::test
