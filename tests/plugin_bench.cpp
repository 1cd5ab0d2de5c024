// plugin_bench [MODEL]: CPU figures of the ngsynth-drums processor at 48 kHz, 256-frame
// blocks, on the calling thread's CPU clock: the fixed cost (resampling, no note), the
// cost of N hits sounding at once (retriggered so that N overlap all the time), the pad's
// stream (pad thread), and the time to build a kit (every class's hit and variations).
// Without MODEL it writes the tests' random-weight model.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include "drums_processor.h"
#include "test_model_writer.h"

using namespace ngsynth;

namespace {
double cpu_seconds(clockid_t id = CLOCK_THREAD_CPUTIME_ID) {
  timespec t{};
  clock_gettime(id, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

// CPU seconds per second of audio with `voices` hits overlapping.
double run(drums::DrumsProcessor& p, int voices, int hit_frames, bool pad) {
  const int block = 256, seconds = 20;
  std::vector<float> l(block), r(block);
  std::vector<drums::MidiNote> notes;
  const int every = voices > 0 ? std::max(1, hit_frames / voices) : 0;
  int64_t next = 0;
  double cpu = 0;
  if (pad) {
    drums::MidiNote on{0, 84, 127};
    p.process({&on, 1}, l.data(), r.data(), block);
  }
  for (int64_t t = 0; t < int64_t(seconds) * 48000; t += block) {
    notes.clear();
    while (voices > 0 && next < t + block) {
      notes.push_back({static_cast<uint32_t>(next - t), static_cast<uint8_t>(36 + notes.size() % 8), 100});
      next += every;
    }
    const double c0 = cpu_seconds();
    p.process(notes, l.data(), r.data(), block);
    cpu += cpu_seconds() - c0;
  }
  if (pad) {
    drums::MidiNote off{0, 84, 0};
    p.process({&off, 1}, l.data(), r.data(), block);
  }
  return cpu / seconds;
}
}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path model = argc > 1 ? argv[1] : std::filesystem::temp_directory_path() / "plugin_bench.ngs";
  if (argc < 2) test::write_test_model(model);
  drums::DrumsProcessor p;
  const double b0 = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
  const auto w0 = std::chrono::steady_clock::now();
  if (const std::string e = p.set_model(model.string()); !e.empty()) {
    std::fprintf(stderr, "plugin_bench: %s\n", e.c_str());
    return 1;
  }
  p.prepare(48000, 256);
  const double build_cpu = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - b0;
  const double build_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  std::vector<float> l(256), r(256);
  p.process({}, l.data(), r.data(), 256);
  p.wait_ready(5000);
  std::printf("model %s; latency %d frames at 48 kHz\n", model.c_str(), p.latency_frames());
  std::printf("model load and kit build (every class x 5 sounds, the converter): %.1f ms CPU, %.1f ms wall\n",
              build_cpu * 1e3, build_wall * 1e3);
  const int hit = 2240 * 3;
  const double idle = run(p, 0, hit, false);
  std::printf("no note: %.3f %% of one core\n", idle * 100);
  for (int v : {8, 32}) {
    const double c = run(p, v, hit, false);
    std::printf("%d hits sounding: %.3f %% of one core, %.4f %% per voice\n", v, c * 100, (c - idle) / v * 100);
  }
  const double pad_audio = run(p, 0, hit, true);
  std::printf("pad held (audio thread only; the stream renders on the pad thread): %.3f %% of one core\n",
              pad_audio * 100);
  return 0;
}
