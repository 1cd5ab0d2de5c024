// What the server fuzz targets (osc, http) share: a Performer on a deterministic stand-in
// instrument, writing into the fuzz scratch folder, with the audio clock `ngsynth serve`
// runs when there is no JACK (blocks of 256 frames), so that what waits on the engine
// (clips, streams, fades) moves on as it does in the real server.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "../tests/fake_instrument.h"
#include "fuzz_support.h"
#include "ngsynth/live/pattern.h"
#include "ngsynth/live/performer.h"

namespace ngsynth::fuzz {

struct LiveRig {
  test::FakeInstrument fake{400};
  std::unique_ptr<live::Performer> performer;
  std::atomic<bool> stop{false};
  std::thread clock;

  LiveRig() {
    live::PerformerOptions po;
    po.write_dir = scratch();
    performer = std::make_unique<live::Performer>(fake, live::default_pattern(fake.classes()), po);
    clock = std::thread([this] {
      std::vector<float> block(256);
      while (!stop) {
        performer->engine().process(block);
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    });
  }
};

}  // namespace ngsynth::fuzz
