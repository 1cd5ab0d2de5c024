// The streaming engine with deterministic fake renderers: block-size independence against
// the offline render, no heap use in the audio callback, voice stealing, latency,
// underruns, stream lifecycle, options and renderer errors.
//
// Heap calls are counted by tests/new_counter (around Engine::process()).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <new>
#include <numbers>
#include <stdexcept>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "ngsynth/live/engine.h"
#include "new_counter.h"
#include "ngsynth/util/error.h"

namespace ngsynth::live {
namespace {
using nlohmann::json;
constexpr int kRate = 16000;

uint64_t splitmix(uint64_t& s) {
  uint64_t z = (s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// A seeded drum-like hit: decaying sine plus noise; length, pitch and noise from the request.
int fake_note(const NoteRequest& r, std::span<float> out) {
  const int len = std::min(static_cast<int>(out.size()), 600 + 250 * r.class_index);
  uint64_t s = r.seed * 7919 + static_cast<uint64_t>(r.class_index);
  const double freq = 120.0 + 40.0 * r.class_index + static_cast<double>(r.seed % 17);
  for (int i = 0; i < len; ++i) {
    const double noise = static_cast<double>(splitmix(s) >> 11) * 0x1.0p-53 * 2 - 1;
    const double env = std::exp(-i / (0.3 * len));
    out[static_cast<std::size_t>(i)] = static_cast<float>(
        env * (0.6 * std::sin(2 * std::numbers::pi * freq * i / kRate) + 0.2 * r.temperature * noise));
  }
  return len;
}

// Chunk k of a stream: a sine at params[0] Hz with amplitude params[1], phase continuous
// in the stream's own frames, plus a small chunk-dependent offset.
double stream_value(double freq, double amp, int64_t rel_frame, int64_t chunk_index) {
  return amp * std::sin(2 * std::numbers::pi * freq * static_cast<double>(rel_frame) / kRate) +
         0.001 * static_cast<double>(chunk_index % 5);
}
int fake_stream(const StreamState& st, int64_t k, std::span<float> out) {
  const int64_t n = static_cast<int64_t>(out.size());
  for (int64_t i = 0; i < n; ++i)
    out[static_cast<std::size_t>(i)] =
        static_cast<float>(stream_value(st.params[0], st.params[1], k * n + i, k) + 0.01 * static_cast<double>(st.tag));
  return static_cast<int>(n);
}

// A constant level for `frames` frames (the engine applies the gain).
NoteRenderer constant_note(int frames) {
  return [frames](const NoteRequest&, std::span<float> out) {
    const int n = std::min(frames, static_cast<int>(out.size()));
    std::fill_n(out.begin(), n, 1.0f);
    return n;
  };
}

double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double d = a.size() == b.size() ? 0.0 : 1e9;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    d = std::max(d, static_cast<double>(std::abs(a[i] - b[i])));
  return d;
}

double rms(const float* x, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) s += static_cast<double>(x[i]) * x[i];
  return n ? std::sqrt(s / static_cast<double>(n)) : 0.0;
}

// The harness: fill `out` with process() blocks of `block` frames, the worker given time
// to finish before each (what makes the rendering independent of thread timing).
void run_blocks(Engine& e, std::vector<float>& out, std::size_t block) {
  for (std::size_t pos = 0; pos < out.size(); pos += block) {
    e.wait_idle();
    e.process(std::span<float>(out.data() + pos, std::min(block, out.size() - pos)));
  }
}

// ---------------------------------------------------------------- streaming equivalence

EngineOptions equivalence_options() {
  EngineOptions o;
  o.sample_rate = kRate;
  o.max_voices = 3;
  o.note_buffers = 32;
  o.max_note_frames = 3000;
  o.latency_frames = 4096;  // >= the largest block, so nothing underruns
  o.stream_chunk_frames = 256;
  o.max_streams = 2;
  o.stream_params = 2;
  o.command_capacity = 256;
  return o;
}

std::vector<TimedNote> equivalence_notes() {
  // Overlapping, mid-block (odd frames), equal start frames, more at once than 3 voices.
  const int64_t frames[] = {0,    10,   333,  700,   701,   1500,  2047,  2048,  4095,
                            4100, 5000, 5001, 5002,  7777,  9000,  12000, 12001, 15000};
  std::vector<TimedNote> notes;
  for (std::size_t i = 0; i < std::size(frames); ++i) {
    TimedNote n;
    n.frame = frames[i];
    n.request.class_index = static_cast<int>(i % 5);
    n.request.seed = 100 + i;
    n.request.temperature = 0.5f + 0.25f * static_cast<float>(i % 3);
    n.request.gain = 0.5f + 0.1f * static_cast<float>(i % 4);
    n.request.tag = i;
    notes.push_back(n);
  }
  notes.push_back(notes[7]);  // the same frame twice: request order decides
  notes.back().request.seed = 999;
  return notes;
}

constexpr int64_t kEquivalenceFrames = 20000;

void schedule_equivalence(Engine& e) {
  for (const TimedNote& n : equivalence_notes()) ASSERT_TRUE(e.note_at(n.frame, n.request));
  const float a0[] = {440.0f, 0.3f}, a1[] = {660.0f, 0.2f}, a2[] = {220.0f, 0.4f};
  const int a = e.start_stream_at(1234, a0, 1);
  ASSERT_GE(a, 0);
  ASSERT_TRUE(e.set_stream_params_at(a, 5000, a1));  // inside a chunk: from the next one
  ASSERT_TRUE(e.set_stream_params_at(a, 9001, a2));
  ASSERT_TRUE(e.stop_stream_at(a, 15000));
  const float b0[] = {330.0f, 0.1f}, b1[] = {550.0f, 0.15f};
  const int b = e.start_stream_at(8000, b0, 2);
  ASSERT_GE(b, 0);
  ASSERT_NE(a, b);
  ASSERT_TRUE(e.set_stream_params_at(b, 8000 + 256 * 10, b1));  // exactly on a chunk boundary
}

TEST(EngineStreaming, AnyBlockSizeGivesTheOfflineSamples) {
  const EngineOptions opt = equivalence_options();
  Engine ref(opt, fake_note, fake_stream);
  schedule_equivalence(ref);
  std::vector<float> reference(static_cast<std::size_t>(kEquivalenceFrames));
  ref.process_offline(reference);
  EXPECT_EQ(ref.underruns(), 0);
  EXPECT_GT(ref.steals(), 0);  // stealing is part of what must be identical
  EXPECT_EQ(ref.notes_started(), static_cast<int64_t>(equivalence_notes().size()));
  EXPECT_GT(rms(reference.data(), reference.size()), 0.05);
  // Only stream b plays at the end: the stream path is in the comparison.
  EXPECT_GT(rms(reference.data() + 19000, 1000), 0.05);

  for (std::size_t block : {std::size_t(1), std::size_t(64), std::size_t(333), std::size_t(4096)}) {
    SCOPED_TRACE("block " + std::to_string(block));
    Engine e(opt, fake_note, fake_stream);
    schedule_equivalence(e);
    std::vector<float> out(reference.size(), 123.0f);
    run_blocks(e, out, block);
    EXPECT_LE(max_abs_diff(out, reference), 1e-6);
    EXPECT_EQ(e.underruns(), 0);
    EXPECT_EQ(e.steals(), ref.steals());
  }
}

TEST(EngineStreaming, RenderOfflineMatchesStreamingOfNotes) {
  EngineOptions opt = equivalence_options();
  opt.latency_frames = 512;
  const std::vector<TimedNote> notes = equivalence_notes();
  const std::vector<float> reference = render_offline(opt, fake_note, notes, kEquivalenceFrames);
  ASSERT_EQ(reference.size(), static_cast<std::size_t>(kEquivalenceFrames));
  EXPECT_GT(rms(reference.data(), reference.size()), 0.05);
  for (std::size_t block : {std::size_t(64), std::size_t(333), std::size_t(512)}) {
    SCOPED_TRACE("block " + std::to_string(block));
    Engine e(opt, fake_note);
    for (const TimedNote& n : notes) ASSERT_TRUE(e.note_at(n.frame, n.request));
    std::vector<float> out(reference.size());
    run_blocks(e, out, block);
    EXPECT_LE(max_abs_diff(out, reference), 1e-6);
  }
  // Each note sounds at its frame: the first one alone at the start.
  std::vector<float> first(700);
  fake_note(notes[0].request, first);
  for (int i = 0; i < 10; ++i) EXPECT_NEAR(reference[static_cast<std::size_t>(i)], first[static_cast<std::size_t>(i)] * notes[0].request.gain, 1e-6);
}

// ---------------------------------------------------------------- no heap in process()

TEST(EngineRealtime, AllocationCounterCatchesAllocations) {
  const long before = test::new_calls();
  {
    test::NewCount count;
    auto* p = new int(3);
    std::vector<float> v(100);
    delete p;
  }
  EXPECT_GE(test::new_calls() - before, 3);  // new, vector, delete
  const long after = test::new_calls();
  std::vector<float> w(100);  // not counted: no NewCount
  EXPECT_EQ(test::new_calls(), after);
}

TEST(EngineRealtime, ProcessNeverTouchesTheHeap) {
  EngineOptions o;
  o.sample_rate = kRate;
  o.max_voices = 4;
  o.note_buffers = 24;
  o.max_note_frames = 2000;
  o.latency_frames = 512;
  o.stream_chunk_frames = 128;
  o.max_streams = 2;
  o.stream_params = 2;
  Engine e(o, fake_note, fake_stream);
  const float p0[] = {300.0f, 0.2f};
  int s0 = e.start_stream(p0, 0);
  ASSERT_GE(s0, 0);
  std::vector<float> block(64);
  long heap = 0;
  double energy = 0;
  int max_voices = 0, max_streams = 0, restarts = 0;
  for (int it = 0; it < 4000; ++it) {
    // Control side, outside the counted region: notes, target changes, stream restarts.
    if (it % 3 == 0) {
      NoteRequest r;
      r.class_index = it % 5;
      r.seed = static_cast<uint64_t>(it);
      ASSERT_TRUE(e.note(r));
    }
    if (it % 50 == 0) {
      const float p[] = {200.0f + static_cast<float>(it % 400), 0.2f};
      ASSERT_TRUE(e.set_stream_params(s0, p));
    }
    if (it % 500 == 250) {
      ASSERT_TRUE(e.stop_stream(s0));
      s0 = e.start_stream(p0, static_cast<uint64_t>(it));
      ASSERT_GE(s0, 0);  // the other slot
      ++restarts;
    }
    if (it % 2 == 0) e.wait_idle();
    const long before = test::new_calls();
    {
      test::NewCount count;
      e.process(block);
    }
    heap += test::new_calls() - before;
    energy += rms(block.data(), block.size());
    max_voices = std::max(max_voices, e.active_voices());
    max_streams = std::max(max_streams, e.active_streams());
  }
  EXPECT_EQ(heap, 0);
  // The callbacks really did the work: many notes, stealing, streams starting and stopping.
  EXPECT_GT(e.notes_started(), 1000);
  EXPECT_GT(e.steals(), 0);
  EXPECT_EQ(max_voices, 4);
  EXPECT_EQ(max_streams, 2);
  EXPECT_EQ(restarts, 8);
  EXPECT_GT(energy, 100.0);
}

// ---------------------------------------------------------------- voice stealing

TEST(EngineVoices, TheOldestNoteIsStolenWithALinearFade) {
  EngineOptions o;
  o.sample_rate = kRate;
  o.max_voices = 2;
  o.note_buffers = 8;
  o.max_note_frames = 1000;
  o.latency_frames = 256;
  o.steal_fade_ms = 5.0;  // 80 frames
  ASSERT_EQ(o.steal_fade_frames(), 80);
  Engine e(o, constant_note(1000));
  // Three overlapping notes, gains 1, 10 and 100: the sum shows which one plays.
  for (int i = 0; i < 3; ++i) {
    NoteRequest r;
    r.gain = static_cast<float>(std::pow(10.0, i));
    ASSERT_TRUE(e.note_at(100 * i, r));
  }
  // Two more that start exactly when the third note ends (frame 1200), when one voice is
  // free (the second note ended at 1100): no further stealing.
  NoteRequest quiet;
  quiet.gain = 0.5f;
  ASSERT_TRUE(e.note_at(1200, quiet));
  ASSERT_TRUE(e.note_at(1200, quiet));
  std::vector<float> out(2400);
  run_blocks(e, out, 50);
  auto expected = [](int f) -> double {
    double v = 0;
    if (f < 1000) v += f < 200 ? 1.0 : (f < 280 ? 1.0 - (f - 200 + 1) / 81.0 : 0.0);  // stolen at 200
    if (f >= 100 && f < 1100) v += 10;
    if (f >= 200 && f < 1200) v += 100;
    if (f >= 1200 && f < 2200) v += 1.0;  // two quiet notes
    return v;
  };
  for (int f = 0; f < 2400; ++f) ASSERT_NEAR(out[static_cast<std::size_t>(f)], expected(f), 1e-4) << "frame " << f;
  EXPECT_EQ(e.steals(), 1);
  EXPECT_EQ(e.notes_started(), 5);
}

TEST(EngineVoices, StolenFadesAreIdenticalAcrossBlockSizes) {
  // More overlapping notes than voices and fading slots: the rule must not depend on blocks.
  EngineOptions o;
  o.sample_rate = kRate;
  o.max_voices = 2;
  o.note_buffers = 16;
  o.max_note_frames = 3000;
  o.latency_frames = 700;
  std::vector<TimedNote> notes;
  for (int i = 0; i < 12; ++i) {
    TimedNote n;
    n.frame = 37 * i + (i % 3 == 0 ? 0 : 5);
    n.request.class_index = i % 5;
    n.request.seed = static_cast<uint64_t>(i);
    notes.push_back(n);
  }
  const std::vector<float> ref = render_offline(o, fake_note, notes, 4000);
  for (std::size_t block : {std::size_t(1), std::size_t(7), std::size_t(700)}) {
    Engine e(o, fake_note);
    for (const TimedNote& n : notes) ASSERT_TRUE(e.note_at(n.frame, n.request));
    std::vector<float> out(ref.size());
    run_blocks(e, out, block);
    EXPECT_LE(max_abs_diff(out, ref), 1e-6) << "block " << block;
    EXPECT_EQ(e.steals(), 10);
  }
}

// ---------------------------------------------------------------- latency

TEST(EngineLatency, ANoteSoundsExactlyLatencyFramesAfterItsRequest) {
  EngineOptions o;
  o.sample_rate = kRate;
  o.max_voices = 4;
  o.note_buffers = 8;
  o.max_note_frames = 100;
  o.latency_frames = 300;
  Engine e(o, constant_note(100));
  EXPECT_EQ(e.latency_frames(), 300);
  std::vector<float> out(3000, 0.0f);
  std::size_t pos = 0;
  auto run = [&](std::size_t n) {
    e.wait_idle();
    e.process(std::span<float>(out.data() + pos, n));
    pos += n;
  };
  for (int i = 0; i < 5; ++i) run(64);
  ASSERT_EQ(e.current_frame(), 320);
  ASSERT_TRUE(e.note({}));  // at 320 + 300 = 620
  while (pos + 37 <= 1500) run(37);  // odd blocks: 620 falls inside one
  const int64_t second_request = e.current_frame();
  ASSERT_TRUE(e.note({}));
  while (pos + 37 <= out.size()) run(37);
  const auto first = std::find_if(out.begin(), out.end(), [](float v) { return v != 0.0f; });
  ASSERT_NE(first, out.end());
  EXPECT_EQ(first - out.begin(), 620);
  EXPECT_EQ(out[619], 0.0f);
  EXPECT_EQ(out[719], 1.0f);
  EXPECT_EQ(out[720], 0.0f);
  const auto second = std::find_if(out.begin() + 720, out.end(), [](float v) { return v != 0.0f; });
  EXPECT_EQ(second - out.begin(), second_request + 300);
}

TEST(EngineLatency, AStreamStartsExactlyLatencyFramesAfterItsRequest) {
  EngineOptions o;
  o.sample_rate = kRate;
  o.latency_frames = 200;
  o.stream_chunk_frames = 64;
  o.stream_params = 1;
  Engine e(o, constant_note(1), [](const StreamState&, int64_t, std::span<float> out) {
    std::fill(out.begin(), out.end(), 0.5f);
    return static_cast<int>(out.size());
  });
  std::vector<float> out(1000, 0.0f);
  e.process(std::span<float>(out.data(), 50));
  const float p[] = {0.0f};
  ASSERT_GE(e.start_stream(p), 0);  // at 250
  for (std::size_t pos = 50; pos < out.size(); pos += 50) {
    e.wait_idle();
    e.process(std::span<float>(out.data() + pos, 50));
  }
  EXPECT_EQ(out[249], 0.0f);
  EXPECT_EQ(out[250], 0.5f);
  EXPECT_EQ(out[999], 0.5f);
  EXPECT_EQ(e.underruns(), 0);
}

// ---------------------------------------------------------------- underruns

// A renderer that blocks until the test opens the gate: the worker falls behind.
struct Gate {
  std::atomic<bool> open{false}, entered{false};
  void wait() {
    entered = true;
    while (!open.load()) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  // Until the worker is stuck in the renderer (it has handed on everything before).
  void wait_entered() const {
    while (!entered.load()) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
};
// Declared after the engine, so a failed assertion opens the gate before the engine joins
// its worker.
struct GateOpener {
  Gate& gate;
  ~GateOpener() { gate.open = true; }
};

TEST(EngineUnderrun, ASlowNoteRendererGivesSilenceAndAnUnderrunNeverABlock) {
  EngineOptions o;
  o.sample_rate = kRate;
  o.max_voices = 2;
  o.note_buffers = 4;
  o.max_note_frames = 4000;
  o.latency_frames = 128;
  Gate gate;
  Engine e(o, [&](const NoteRequest&, std::span<float> out) {
    gate.wait();
    for (std::size_t i = 0; i < 4000; ++i) out[i] = 0.001f * static_cast<float>(i + 1);
    return 4000;
  });
  GateOpener opener{gate};
  ASSERT_TRUE(e.note_at(100, {}));
  gate.wait_entered();
  std::vector<float> out(4000, 1.0f);
  double slowest = 0;
  for (std::size_t pos = 0; pos < 2560; pos += 64) {  // never wait for the worker here
    const auto t0 = std::chrono::steady_clock::now();
    e.process(std::span<float>(out.data() + pos, 64));
    slowest = std::max(slowest, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  EXPECT_LT(slowest, 0.05);  // the callback never waited for the stuck renderer
  for (std::size_t i = 0; i < 2560; ++i) ASSERT_EQ(out[i], 0.0f) << i;
  EXPECT_EQ(e.underruns(), 0);  // nothing known to be late yet
  gate.open = true;
  e.wait_idle();
  e.process(std::span<float>(out.data() + 2560, 64));
  // The late note plays from where it should be by now: its first 2460 frames are lost.
  EXPECT_EQ(e.underruns(), 1);
  EXPECT_FLOAT_EQ(out[2560], 0.001f * (2560 - 100 + 1));
  EXPECT_FLOAT_EQ(out[2623], 0.001f * (2623 - 100 + 1));
}

TEST(EngineUnderrun, ASlowStreamRendererGivesSilenceForTheMissingChunks) {
  EngineOptions o;
  o.sample_rate = kRate;
  o.latency_frames = 256;
  o.stream_chunk_frames = 128;
  o.stream_params = 2;
  Gate gate;
  Engine e(o, constant_note(1), [&](const StreamState& st, int64_t k, std::span<float> out) {
    gate.wait();
    return fake_stream(st, k, out);
  });
  GateOpener opener{gate};
  const float p[] = {500.0f, 0.25f};
  const int id = e.start_stream_at(0, p, 0);
  ASSERT_GE(id, 0);
  gate.wait_entered();  // the start has reached the audio side; chunk 0 is stuck
  std::vector<float> out(5120, 1.0f);
  double slowest = 0;
  for (std::size_t pos = 0; pos < 2560; pos += 64) {
    const auto t0 = std::chrono::steady_clock::now();
    e.process(std::span<float>(out.data() + pos, 64));
    slowest = std::max(slowest, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  EXPECT_LT(slowest, 0.05);
  for (std::size_t i = 0; i < 2560; ++i) ASSERT_EQ(out[i], 0.0f) << i;
  EXPECT_EQ(e.underruns(), 20);  // 2560 / 128 chunks, each counted once
  gate.open = true;
  for (std::size_t pos = 2560; pos < out.size(); pos += 64) {
    e.wait_idle();
    e.process(std::span<float>(out.data() + pos, 64));
  }
  EXPECT_EQ(e.underruns(), 20);  // caught up: no more
  // The stream resumes on time: the samples are those of its absolute frames.
  for (int64_t f = 2560; f < 5120; ++f)
    ASSERT_NEAR(out[static_cast<std::size_t>(f)], stream_value(500, 0.25, f, f / 128), 1e-6) << f;
}

// ---------------------------------------------------------------- streams, options, errors

TEST(EngineStreams, StoppedStreamsFadeOutAndFreeTheirSlot) {
  EngineOptions o;
  o.sample_rate = kRate;
  o.latency_frames = 128;
  o.stream_chunk_frames = 32;
  o.max_streams = 1;
  o.stream_params = 1;
  o.steal_fade_ms = 1.0;  // 16 frames
  Engine e(o, constant_note(1), [](const StreamState&, int64_t, std::span<float> out) {
    std::fill(out.begin(), out.end(), 1.0f);
    return static_cast<int>(out.size());
  });
  const float p[] = {0.0f};
  const int id = e.start_stream_at(10, p);
  ASSERT_EQ(id, 0);
  EXPECT_EQ(e.start_stream_at(10, p), -1);  // the only slot is busy
  ASSERT_TRUE(e.stop_stream_at(id, 300));
  EXPECT_THROW(e.set_stream_params(id, p), Error);  // stopped
  EXPECT_THROW(e.stop_stream(id), Error);
  std::vector<float> out(400);
  run_blocks(e, out, 16);
  EXPECT_EQ(out[9], 0.0f);
  EXPECT_EQ(out[10], 1.0f);
  EXPECT_EQ(out[299], 1.0f);
  for (int i = 0; i < 16; ++i) EXPECT_FLOAT_EQ(out[static_cast<std::size_t>(300 + i)], 1.0f - (i + 1) / 17.0f);
  EXPECT_EQ(out[316], 0.0f);
  EXPECT_EQ(e.active_streams(), 0);
  EXPECT_EQ(e.start_stream(p), 0);  // free again
}

TEST(EngineStreams, ChecksIdsAndParameterCounts) {
  EngineOptions o;
  o.stream_params = 2;
  Engine notes_only(o, constant_note(1));
  const float two[] = {1, 2}, three[] = {1, 2, 3};
  EXPECT_THROW(notes_only.start_stream(two), Error);  // no stream renderer
  Engine e(o, constant_note(1), fake_stream);
  EXPECT_THROW(e.start_stream(three), Error);
  EXPECT_THROW(e.set_stream_params(0, two), Error);  // never started
  EXPECT_THROW(e.set_stream_params(-1, two), Error);
  EXPECT_THROW(e.stop_stream(99), Error);
  const int id = e.start_stream(two);
  EXPECT_THROW(e.set_stream_params(id, three), Error);
  EXPECT_TRUE(e.set_stream_params(id, two));
}

TEST(EngineOptionsTest, JsonRoundTripAndValidation) {
  EngineOptions o;
  o.max_voices = 7;
  o.steal_fade_ms = 2.5;
  json j = o;
  EXPECT_EQ(j.at("max_voices"), 7);
  EngineOptions back = j.get<EngineOptions>();
  EXPECT_EQ(json(back), j);
  EXPECT_THROW(json({{"max_voices", 2}, {"bogus", 1}}).get<EngineOptions>(), Error);
  EXPECT_THROW(json({{"max_voices", "many"}}).get<EngineOptions>(), Error);
  EXPECT_NO_THROW(o.validate());
  auto invalid = [](auto change) {
    EngineOptions x;
    change(x);
    try {
      x.validate();
    } catch (const Error& err) {
      return std::string(err.what());
    }
    return std::string();
  };
  EXPECT_NE(invalid([](EngineOptions& x) { x.max_voices = 0; }).find("max_voices"), std::string::npos);
  EXPECT_NE(invalid([](EngineOptions& x) { x.note_buffers = x.max_voices; }).find("note_buffers"), std::string::npos);
  EXPECT_NE(invalid([](EngineOptions& x) { x.latency_frames = -1; }).find("latency_frames"), std::string::npos);
  EXPECT_NE(invalid([](EngineOptions& x) { x.stream_chunk_frames = 0; }).find("stream_chunk_frames"), std::string::npos);
  EXPECT_NE(invalid([](EngineOptions& x) { x.steal_fade_ms = 0; }).find("steal_fade_ms"), std::string::npos);
  EngineOptions bad;
  bad.max_voices = 0;
  EXPECT_THROW((Engine{bad, constant_note(1)}), Error);
  EXPECT_THROW((Engine{EngineOptions{}, NoteRenderer{}}), Error);
}

TEST(EngineErrors, ARendererExceptionIsSilenceAndSurfacesInWaitIdle) {
  EngineOptions o;
  o.latency_frames = 64;
  Engine e(o, [](const NoteRequest& r, std::span<float> out) -> int {
    if (r.class_index == 3) throw std::runtime_error("class 3 is broken");
    out[0] = 1.0f;
    return 1;
  });
  NoteRequest bad;
  bad.class_index = 3;
  ASSERT_TRUE(e.note_at(10, bad));
  ASSERT_TRUE(e.note_at(20, {}));
  try {
    e.wait_idle();
    FAIL() << "no error";
  } catch (const Error& err) {
    EXPECT_NE(std::string(err.what()).find("class 3 is broken"), std::string::npos);
  }
  std::vector<float> out(64);
  e.wait_idle();  // reported once
  e.process(out);
  EXPECT_EQ(out[10], 0.0f);
  EXPECT_EQ(out[20], 1.0f);
  EngineOptions ro;
  ro.latency_frames = 64;
  std::vector<TimedNote> notes(1);
  notes[0].request.class_index = 3;
  EXPECT_THROW(render_offline(ro, [](const NoteRequest&, std::span<float>) -> int { throw std::runtime_error("x"); },
                              notes, 100),
               Error);
}

}  // namespace
}  // namespace ngsynth::live
