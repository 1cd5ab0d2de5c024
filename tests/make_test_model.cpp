// make_test_model PATH [SAMPLE_RATE]: writes the plugin tests' random-weight model
// (test_model_writer.h) for the shell tests that drive real hosts.
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "test_model_writer.h"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: make_test_model PATH [SAMPLE_RATE]\n");
    return 2;
  }
  try {
    ngsynth::test::TestModelSpec spec;
    if (argc == 3) spec.sample_rate = std::atoi(argv[2]);
    ngsynth::test::write_test_model(argv[1], spec);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_test_model: %s\n", e.what());
    return 1;
  }
  return 0;
}
