// The drum machine: step timing, pattern JSON, the offline render against a score built by
// hand (onsets at exact sample positions with swing, velocities and overlapping hits), and
// live play through the engine (same frames as offline, tempo changes from the next
// unscheduled step, re-sampling while playing).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "fake_instrument.h"
#include "ngsynth/live/drum_machine.h"
#include "ngsynth/live/pattern.h"
#include "ngsynth/live/pattern_render.h"
#include "ngsynth/live/step_timing.h"
#include "ngsynth/live/performer.h"
#include "ngsynth/live/engine.h"
#include "ngsynth/util/error.h"
#include "test_support.h"

namespace ngsynth::live {
namespace {
using nlohmann::json;
using test::FakeInstrument;

std::vector<float> steps16(std::initializer_list<std::pair<int, float>> hits) {
  std::vector<float> s(16, 0.0f);
  for (const auto& [k, v] : hits) s[static_cast<std::size_t>(k)] = v;
  return s;
}

// The frames of the onsets in `x`: the first non-zero sample after at least `gap` zeros.
std::vector<int64_t> onsets(const std::vector<float>& x, int gap) {
  std::vector<int64_t> out;
  int64_t zeros = gap;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (x[i] != 0.0f) {
      if (zeros >= gap) out.push_back(static_cast<int64_t>(i));
      zeros = 0;
    } else {
      ++zeros;
    }
  }
  return out;
}

void expect_error(const std::string& text, const std::string& needle) {
  SCOPED_TRACE(text);
  try {
    (void)json::parse(text).get<Pattern>();
    ADD_FAILURE() << "no error; expected one containing: " << needle;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(DrumMachineTiming, StepFramesAreSampleExact) {
  // 120 BPM at 16 kHz: 2000 frames per sixteenth.
  EXPECT_DOUBLE_EQ(step_length(120.0, 16000), 2000.0);
  for (int s = 0; s < 16; ++s) EXPECT_EQ(step_frame(120.0, 0.0, 16, 16000, 0, s), 2000 * s);
  EXPECT_EQ(step_frame(120.0, 0.0, 16, 16000, 3, 5), 2000 * (48 + 5));
  // Swing 0.5 delays odd steps by a quarter of a step (0.5 x half a step) = 500 frames.
  EXPECT_EQ(step_frame(120.0, 0.5, 16, 16000, 0, 1), 2500);
  EXPECT_EQ(step_frame(120.0, 0.5, 16, 16000, 0, 2), 4000);
  EXPECT_EQ(step_frame(120.0, 0.5, 16, 16000, 1, 15), 32000 + 30000 + 500);
  // Odd steps are counted within the loop: with 15 steps, step 0 of loop 1 is not swung.
  EXPECT_EQ(step_frame(120.0, 0.5, 15, 16000, 1, 0), 30000);
  // 130 BPM at 44.1 kHz: 5088.4615... frames per step; (3 + 0.1) steps -> 15774.23 -> 15774.
  EXPECT_EQ(step_frame(130.0, 0.2, 16, 44100, 0, 3), 15774);
  // Halves round away from zero: L = 3 frames (a pure function: no range check), step 1
  // with swing 1 -> 1.5 steps -> 4.5 frames -> 5.
  EXPECT_DOUBLE_EQ(step_length(60000.0, 12000), 3.0);
  EXPECT_EQ(step_frame(60000.0, 1.0, 16, 12000, 0, 1), 5);
  EXPECT_EQ(loop_frames(Pattern{}, 16000, 2), 64000);
  // No drift: frame of step n is computed from the origin, not by adding rounded steps.
  const double l = step_length(97.0, 44100);
  for (int64_t loop = 0; loop < 200; loop += 37)
    for (int s = 0; s < 16; ++s)
      EXPECT_EQ(step_frame(97.0, 0.0, 16, 44100, loop, s), std::llround(static_cast<double>(loop * 16 + s) * l));
}

TEST(DrumMachinePattern, JsonRoundTripAndStepStrings) {
  const json j = json::parse(R"({"tempo": 100, "swing": 0.25, "steps": 8, "loops": 3,
    "tracks": [{"class": "kick", "steps": "x..o x...", "seed": 5, "temperature": 0.5, "gain": 2},
               {"class": 2, "steps": [0, 1, true, false, 0.25, 0, 0, 1]}]})");
  const Pattern p = j.get<Pattern>();
  EXPECT_EQ(p.tempo, 100.0);
  EXPECT_EQ(p.swing, 0.25);
  EXPECT_EQ(p.steps, 8);
  EXPECT_EQ(p.loops, 3);
  ASSERT_EQ(p.tracks.size(), 2u);
  EXPECT_EQ(p.tracks[0].steps, (std::vector<float>{1, 0, 0, 0.5f, 1, 0, 0, 0}));
  EXPECT_EQ(p.tracks[0].seed, 5u);
  EXPECT_EQ(p.tracks[0].gain, 2.0f);
  EXPECT_EQ(p.tracks[1].class_name, "2");
  EXPECT_EQ(p.tracks[1].steps, (std::vector<float>{0, 1, 1, 0, 0.25f, 0, 0, 1}));
  const Pattern back = json(p).get<Pattern>();
  EXPECT_EQ(json(back), json(p));
}

TEST(DrumMachinePattern, JsonErrorsNameTheCulprit) {
  expect_error(R"([1, 2])", "expected a JSON object");
  expect_error(R"({"tempo": 120, "swung": 0.1})", "unknown key 'swung'");
  expect_error(R"({"tempo": "fast"})", "pattern tempo: expected a number");
  expect_error(R"({"tempo": 5})", "pattern tempo: 5 is outside 20..999");
  expect_error(R"({"swing": 0.8})", "pattern swing: 0.8 is outside 0..0.75");
  expect_error(R"({"steps": 0})", "pattern steps: 0 is outside 1..64");
  expect_error(R"({"steps": 4.5})", "pattern steps: expected an integer");
  expect_error(R"({"loops": 0})", "pattern loops: 0 is outside 1..1000");
  expect_error(R"({"tracks": {}})", "pattern tracks: expected a list");
  expect_error(R"({"tracks": [{"steps": "x"}]})", "pattern tracks[0]: class is missing");
  expect_error(R"({"tracks": [{"class": "kick", "step": "x"}]})", "pattern tracks[0] (kick): unknown key 'step'");
  expect_error(R"({"tracks": [{"class": "kick", "steps": "x..."}]})",
               "pattern tracks[0] (kick): steps has 4 entries, the pattern has 16 steps");
  expect_error(R"({"steps": 4, "tracks": [{"class": "kick", "steps": "x..."}, {"class": "snare", "steps": [0, 0, 1.5, 0]}]})",
               "pattern tracks[1] (snare): steps[2]: velocity 1.5 is outside 0..1");
  expect_error(R"({"steps": 4, "tracks": [{"class": "kick", "steps": [0, "x", 0, 0]}]})",
               "pattern tracks[0] (kick): steps[1]: expected a velocity");
  expect_error(R"({"steps": 4, "tracks": [{"class": "kick", "steps": "x.y."}]})",
               "pattern tracks[0] (kick): steps: character 2 'y'");
  expect_error(R"({"steps": 4, "tracks": [{"class": "kick", "steps": "x...", "gain": 20}]})",
               "pattern tracks[0] (kick): gain 20 is outside 0..16");
  expect_error(R"({"steps": 4, "tracks": [{"class": "kick", "steps": "x...", "temperature": -1}]})",
               "pattern tracks[0] (kick): temperature -1 is outside 0..10");
  expect_error(R"({"steps": 4, "tracks": [{"class": "kick", "steps": "x...", "seed": -3}]})",
               "pattern tracks[0] (kick): seed: -3 is out of range (0..18446744073709551615)");
  expect_error(R"({"steps": 4, "tracks": [{"class": "kick", "steps": [0, 1e300, 0, 0]}]})",
               "pattern tracks[0] (kick): steps[1]: 1e+300 is out of range for a float");
  expect_error(R"({"loops": 18446744073709551615})",
               "pattern loops: 18446744073709551615 is out of range");
  expect_error(R"({"steps": 4, "tracks": [{"class": "kick", "steps": "x..."}, {"class": "kick", "steps": "...."}]})",
               "pattern tracks[1] (kick): class 'kick' already has tracks[0]");

  // Classes are checked against the instrument when a drum machine is made.
  FakeInstrument fake(100);
  Pattern p;
  p.tracks.push_back({"cowbell", std::vector<float>(16, 0.0f)});
  try {
    DrumMachine dm(fake, p);
    ADD_FAILURE() << "no error for an unknown class";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("pattern tracks[0] (cowbell): no class 'cowbell' (classes: kick, snare"),
              std::string::npos) << e.what();
  }
  p.tracks = {{"0", std::vector<float>(16, 0.0f)}, {"kick", std::vector<float>(16, 0.0f)}};
  EXPECT_THROW((DrumMachine{fake, p}), Error);

  // A pattern file's errors start with its path.
  test::ScratchDir dir("pattern");
  std::ofstream(dir / "bad.json") << R"({"tempo": 120, "tracks": [{"class": "kick", "steps": "x"}]})";
  try {
    (void)read_pattern(dir / "bad.json");
    ADD_FAILURE();
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find((dir / "bad.json").string() + ": pattern tracks[0] (kick): steps has 1"), std::string::npos) << what;
  }
  std::ofstream(dir / "broken.json") << "{\"tempo\": ";
  EXPECT_THROW((void)read_pattern(dir / "broken.json"), Error);
  // A number too large for a double is nlohmann's out_of_range.406: named like the rest.
  std::ofstream(dir / "huge.json") << "{\"tempo\": 1e999}";
  try {
    (void)read_pattern(dir / "huge.json");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              (dir / "huge.json").string() + ": invalid JSON: number overflow parsing '1e999'");
  }
}

TEST(DrumMachinePattern, DefaultPatternPlaysTheKnownDrums) {
  const Pattern p = default_pattern({"kick", "snare", "hihat", "tom", "cowbell"});
  ASSERT_EQ(p.tracks.size(), 5u);
  EXPECT_EQ(p.tracks[0].steps[0], 1.0f);
  EXPECT_EQ(p.tracks[1].steps[4], 1.0f);
  EXPECT_EQ(p.tracks[1].steps[12], 1.0f);
  EXPECT_GT(std::count_if(p.tracks[2].steps.begin(), p.tracks[2].steps.end(), [](float v) { return v > 0; }), 4);
  EXPECT_EQ(std::count(p.tracks[4].steps.begin(), p.tracks[4].steps.end(), 0.0f), 16);
  EXPECT_NO_THROW(p.validate());
  EXPECT_EQ(default_pattern({}).tracks.at(0).class_name, "default");
}

// The offline render equals the sum of the track buffers placed by hand at the step frames
// (2000 frames per step, swing 0.5 = +500 frames on odd steps) times velocity x gain, with
// hits (4000 frames long) overlapping the next steps' hits and other tracks' hits.
TEST(DrumMachineRender, OnsetsAtTheComputedSamplePositions) {
  FakeInstrument fake(4000);
  Pattern p;
  p.tempo = 120;
  p.swing = 0.5;
  p.tracks.push_back({"kick", steps16({{0, 1.0f}, {1, 0.5f}, {8, 1.0f}}), 3, 1.0f, 1.0f});
  p.tracks.push_back({"snare", steps16({{4, 0.8f}, {12, 1.0f}, {13, 0.25f}}), 4, 0.7f, 0.5f});
  p.tracks.push_back({"hihat", steps16({{1, 1.0f}, {3, 0.6f}, {5, 1.0f}, {15, 0.9f}}), 9, 1.0f, 1.5f});
  const int loops = 2;
  const std::vector<float> out = render_pattern(p, fake, loops, LoopTail::append);
  ASSERT_EQ(out.size(), static_cast<std::size_t>(64000 + 4000));

  std::vector<double> expected(out.size(), 0.0);
  const int frame_of_step[16] = {0,     2500,  4000,  6500,  8000,  10500, 12000, 14500,
                                 16000, 18500, 20000, 22500, 24000, 26500, 28000, 30500};
  for (int loop = 0; loop < loops; ++loop)
    for (const PatternTrack& t : p.tracks) {
      const int c = fake.classes()[0] == t.class_name ? 0 : t.class_name == "snare" ? 1 : 2;
      const std::vector<float> e = fake.event(c, t.seed, t.temperature);
      for (int s = 0; s < 16; ++s) {
        const float v = t.steps[static_cast<std::size_t>(s)];
        if (v == 0.0f) continue;
        const int64_t f = 32000 * loop + frame_of_step[s];
        for (std::size_t i = 0; i < e.size(); ++i) expected[static_cast<std::size_t>(f) + i] += double(v * t.gain) * e[i];
      }
    }
  double worst = 0;
  int64_t worst_at = -1;
  for (std::size_t i = 0; i < out.size(); ++i)
    if (std::abs(out[i] - expected[i]) > worst) {
      worst = std::abs(out[i] - expected[i]);
      worst_at = static_cast<int64_t>(i);
    }
  EXPECT_LT(worst, 1e-5) << "at frame " << worst_at;

  // One hit shifted by one frame would be seen: the render is not the shifted score.
  std::vector<double> shifted(expected.size(), 0.0);
  std::copy(expected.begin(), expected.end() - 1, shifted.begin() + 1);
  double diff = 0;
  for (std::size_t i = 0; i < out.size(); ++i) diff = std::max(diff, std::abs(out[i] - shifted[i]));
  EXPECT_GT(diff, 0.1);
}

// Sparse hits shorter than a step: every onset (first non-zero sample) is at its frame,
// with the hit's first sample scaled by velocity x gain.
TEST(DrumMachineRender, IsolatedOnsetsAreSampleExact) {
  FakeInstrument fake(300, 44100);
  Pattern p;
  p.tempo = 130;
  p.swing = 0.2;
  p.tracks.push_back({"snare", steps16({{0, 1.0f}, {3, 0.5f}, {6, 1.0f}, {9, 0.75f}, {15, 1.0f}}), 1, 1.0f, 0.8f});
  const std::vector<float> out = render_pattern(p, fake, 3, LoopTail::cut);
  const double l = 60.0 * 44100 / (4 * 130.0);
  std::vector<int64_t> want;
  for (int loop = 0; loop < 3; ++loop)
    for (int s : {0, 3, 6, 9, 15})
      want.push_back(std::llround((loop * 16 + s + (s % 2 ? 0.1 : 0.0)) * l));
  EXPECT_EQ(onsets(out, 50), want);
  EXPECT_EQ(want[1], 15774);
  const float first = fake.event(1, 1, 1.0f)[0];
  EXPECT_FLOAT_EQ(out[static_cast<std::size_t>(want[1])], 0.5f * 0.8f * first);
  EXPECT_EQ(static_cast<int64_t>(out.size()), loop_frames(p, 44100, 3));
}

TEST(DrumMachineRender, WrapFoldsTheTailOntoTheStart) {
  FakeInstrument fake(5000);
  Pattern p;
  p.tracks.push_back({"kick", steps16({{0, 1.0f}, {15, 1.0f}}), 0, 1.0f, 1.0f});
  const std::vector<float> full = render_pattern(p, fake, 1, LoopTail::append);
  const std::vector<float> wrap = render_pattern(p, fake, 1, LoopTail::wrap);
  ASSERT_EQ(wrap.size(), 32000u);
  for (std::size_t i = 0; i < wrap.size(); ++i) {
    const float want = full[i] + (i + 32000 < full.size() ? full[i + 32000] : 0.0f);
    ASSERT_NEAR(wrap[i], want, 1e-6) << i;
  }
  EXPECT_NE(wrap[10], full[10]);  // the last hit rings on at the start
  EXPECT_THROW(render_pattern(p, fake, 0), Error);
}

TEST(DrumMachineLive, ControlsValidateAndResampleSwapsBuffers) {
  FakeInstrument fake(200);
  DrumMachine dm(fake, default_pattern(fake.classes()));
  EXPECT_EQ(dm.tracks(), 8);
  EXPECT_EQ(dm.track_index("hihat"), 2);
  EXPECT_EQ(dm.track_index("7"), 7);
  EXPECT_THROW(dm.track_index("8"), Error);
  EXPECT_THROW(dm.set_tempo(10), Error);
  EXPECT_THROW(dm.set_swing(0.9), Error);
  EXPECT_THROW(dm.set_step(8, 0, 1), Error);
  EXPECT_THROW(dm.set_step(0, 16, 1), Error);
  EXPECT_THROW(dm.set_step(0, 0, 2), Error);
  EXPECT_THROW(dm.set_gain(0, -1), Error);
  dm.set_step(3, 5, 0.5f);
  EXPECT_EQ(dm.step(3, 5), 0.5f);
  EXPECT_EQ(dm.pattern().tracks[3].steps[5], 0.5f);
  EXPECT_EQ(dm.buffer(1), fake.event(1, 0, 1.0f));
  EXPECT_EQ(dm.resample(1, 42, 0.5f), 200);
  EXPECT_EQ(dm.buffer(1), fake.event(1, 42, 0.5f));
  EXPECT_EQ(dm.seed(1), 42u);
  std::vector<float> out(500, -1.0f);
  EXPECT_EQ(dm.render_track(1, out), 200);
  EXPECT_EQ(std::vector<float>(out.begin(), out.begin() + 200), fake.event(1, 42, 0.5f));
  EXPECT_EQ(dm.render_track(99, out), 0);
}

// Runs the engine in blocks of 256 frames, pausing between blocks so that the scheduler
// thread keeps ahead (it has a lookahead of many blocks).
std::vector<float> run_live(Engine& engine, int64_t frames) {
  std::vector<float> out(static_cast<std::size_t>(frames));
  for (int64_t pos = 0; pos < frames; pos += 256) {
    const int64_t n = std::min<int64_t>(256, frames - pos);
    engine.wait_idle();
    engine.process(std::span<float>(out.data() + pos, static_cast<std::size_t>(n)));
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return out;
}

EngineOptions live_options(int max_note_frames) {
  EngineOptions o;
  o.latency_frames = 512;
  o.max_voices = 64;
  o.note_buffers = 160;
  o.max_note_frames = max_note_frames;
  o.max_streams = 0;
  return o;
}

// Live play through the scheduler thread gives the offline render's samples, shifted to
// the start frame.
TEST(DrumMachineLive, PlayMatchesTheOfflineRender) {
  FakeInstrument fake(1500);
  Pattern p;
  p.tempo = 240;  // 1000 frames per step
  p.swing = 0.3;
  p.tracks.push_back({"kick", steps16({{0, 1.0f}, {6, 0.7f}, {8, 1.0f}}), 1, 1.0f, 1.0f});
  p.tracks.push_back({"hihat", steps16({{1, 0.5f}, {3, 1.0f}, {5, 0.5f}, {7, 1.0f}, {11, 0.3f}}), 2, 1.0f, 1.0f});
  DrumOptions d;
  d.lookahead_frames = 8000;
  d.poll_ms = 1.0;
  DrumMachine dm(fake, p, d);
  Engine engine(live_options(1500), dm.renderer());
  std::vector<float> warmup(300);
  engine.process(warmup);
  dm.play(engine);
  EXPECT_TRUE(dm.playing());
  EXPECT_THROW(dm.play(engine), Error);
  const int64_t start = dm.start_frame();
  EXPECT_EQ(start, 300 + 512 + 8000);
  const std::vector<float> live = run_live(engine, start - 300 + 2 * 16000);
  dm.stop();
  EXPECT_FALSE(dm.playing());
  EXPECT_EQ(engine.underruns(), 0);
  EXPECT_EQ(dm.notes_dropped(), 0);

  // The offline score of the same notes, the first loop at frame 0, rendered from `start`.
  const std::vector<TimedNote> notes = dm.notes(2, 0);
  std::vector<float> want = render_offline(live_options(1500), dm.renderer(), notes, 2 * 16000);
  for (std::size_t i = 0; i < want.size(); ++i)
    ASSERT_NEAR(live[static_cast<std::size_t>(start - 300) + i], want[i], 1e-6) << "frame " << i;
  for (int64_t i = 0; i < start - 300; ++i) ASSERT_EQ(live[static_cast<std::size_t>(i)], 0.0f);
}

// A tempo change applies from the next unscheduled step: the onsets follow the old step
// length up to some step n0 (the unswung grid position of n0 under the old tempo is the
// new origin) and the new one after it.
TEST(DrumMachineLive, TempoChangeAppliesFromTheNextUnscheduledStep) {
  FakeInstrument fake(100);
  Pattern p;
  p.tempo = 240;  // 1000 frames per step
  p.tracks.push_back({"kick", std::vector<float>(16, 1.0f), 1, 1.0f, 1.0f});
  DrumOptions d;
  d.lookahead_frames = 4000;
  d.poll_ms = 1.0;
  DrumMachine dm(fake, p, d);
  Engine engine(live_options(100), dm.renderer());
  dm.play(engine);
  const int64_t start = dm.start_frame();
  std::vector<float> live = run_live(engine, 12000);
  dm.set_tempo(300);  // 800 frames per step
  std::vector<float> more = run_live(engine, 20000);
  dm.stop();
  live.insert(live.end(), more.begin(), more.end());
  EXPECT_EQ(engine.underruns(), 0);
  const std::vector<int64_t> got = onsets(live, 50);
  ASSERT_GT(got.size(), 20u);
  // The first onset off the old grid is step n0 + 1 (step n0 itself sits on both grids).
  std::size_t off = 0;
  while (off < got.size() && got[off] == start + 1000 * static_cast<int64_t>(off)) ++off;
  ASSERT_GT(off, 5u);
  ASSERT_LT(off, got.size());
  const std::size_t n0 = off - 1;
  const int64_t origin = start + 1000 * static_cast<int64_t>(n0);
  for (std::size_t k = n0; k < got.size(); ++k)
    EXPECT_EQ(got[k], origin + 800 * static_cast<int64_t>(k - n0)) << "step " << k;
  // The change came at engine frame 12000, when steps up to 12000 + 512 + 4000 could be
  // scheduled already.
  EXPECT_GE(origin, 12000);
  EXPECT_LE(origin, 12000 + 512 + 4000 + 1000);
}

// Re-sampling while the loop plays: hits rendered before the swap keep the old buffer,
// later hits use the new one.
TEST(DrumMachineLive, ResampleWhilePlaying) {
  FakeInstrument fake(400);
  Pattern p;
  p.tempo = 240;
  p.tracks.push_back({"snare", std::vector<float>(16, 1.0f), 1, 1.0f, 1.0f});
  DrumOptions d;
  d.lookahead_frames = 2000;
  d.poll_ms = 1.0;
  DrumMachine dm(fake, p, d);
  Engine engine(live_options(400), dm.renderer());
  dm.play(engine);
  const int64_t start = dm.start_frame();
  std::vector<float> a = run_live(engine, 8000);
  dm.resample(1, 77, 1.0f);
  std::vector<float> b = run_live(engine, 8000);
  dm.stop();
  a.insert(a.end(), b.begin(), b.end());
  const std::vector<float> old_hit = fake.event(1, 1, 1.0f), new_hit = fake.event(1, 77, 1.0f);
  int n_old = 0, n_new = 0;
  bool switched = false;
  for (int64_t f = start; f + 400 <= static_cast<int64_t>(a.size()); f += 1000) {
    const std::vector<float> hit(a.begin() + f, a.begin() + f + 400);
    if (hit == old_hit) {
      EXPECT_FALSE(switched) << "an old hit after a new one at " << f;
      ++n_old;
    } else if (hit == new_hit) {
      switched = true;
      ++n_new;
    } else {
      ADD_FAILURE() << "hit at " << f << " is neither buffer";
    }
  }
  EXPECT_GT(n_old, 3);
  EXPECT_GT(n_new, 3);
}

// The XY pad over a Performer: one grain stream that starts at the first point, follows
// the next ones, and fades out on stop.
TEST(PerformerStream, StartsMovesAndStopsOneStream) {
  test::FakeInstrument fake(2000);
  Performer performer(fake, default_pattern(fake.classes()));
  Engine& engine = performer.engine();
  std::vector<float> block(256);
  auto run = [&](int blocks) {
    double energy = 0;
    for (int b = 0; b < blocks; ++b) {
      engine.wait_idle();
      engine.process(block);
      for (float v : block) energy += v * v;
    }
    return energy;
  };
  performer.set_class(2);
  EXPECT_EQ(performer.stream(0.5f, 0.1f), 2);
  EXPECT_GT(run(20), 0.0);
  EXPECT_EQ(engine.active_streams(), 1);
  EXPECT_EQ(performer.stream(1.0f, 0.2f), 2);  // moved, not a second stream
  run(10);
  EXPECT_EQ(engine.active_streams(), 1);
  EXPECT_TRUE(performer.stream_stop());
  EXPECT_FALSE(performer.stream_stop());
  run(20);
  EXPECT_EQ(engine.active_streams(), 0);
  EXPECT_EQ(run(4), 0.0);
  EXPECT_EQ(engine.underruns(), 0);
  EXPECT_THROW(performer.stream(NAN, 0.0f), Error);
}

// Two control threads (two HTTP clients, an OSC controller) starting and stopping the
// drum machine at once: a stop() must never join a scheduler whose quit flag a play() on
// the other thread has just reset (it did, and hung the server's worker for good).
TEST(PerformerDrums, PlayAndStopFromTwoThreadsAtOnceNeverHang) {
  test::FakeInstrument fake(2000);
  Performer performer(fake, default_pattern(fake.classes()));
  Engine& engine = performer.engine();
  DrumMachine& drums = performer.drums();
  std::atomic<bool> stop{false};
  std::thread clock([&] {
    std::vector<float> block(256);
    while (!stop) {
      engine.process(block);
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  std::atomic<int> plays{0};
  auto control = std::async(std::launch::async, [&] {
    auto toggle = [&] {
      for (int i = 0; i < 300; ++i) {
        try {
          drums.play(engine);
          ++plays;
        } catch (const Error&) {  // already playing: the other thread started it
        }
        drums.stop();
      }
    };
    std::thread other(toggle);
    toggle();
    other.join();
  });
  if (control.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
    ADD_FAILURE() << "play/stop from two threads hung";
    std::abort();  // the hung threads cannot be joined
  }
  stop = true;
  clock.join();
  EXPECT_FALSE(drums.playing());
  EXPECT_GT(plays.load(), 0);
}

// Stopped and started again at once (a pointer let go and pressed again): the new stream
// waits for the audio thread to free the fading one's slot instead of failing; without an
// audio thread it fails after a bounded wait.
TEST(PerformerStream, StartsAgainRightAfterAStop) {
  test::FakeInstrument fake(2000);
  Performer performer(fake, default_pattern(fake.classes()));
  Engine& engine = performer.engine();
  EXPECT_EQ(performer.stream(0.5f, 0.1f), performer.current_class());
  std::atomic<bool> stop{false};
  std::thread clock([&] {
    std::vector<float> block(256);
    while (!stop) {
      engine.process(block);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  for (int i = 0; i < 20; ++i) {
    EXPECT_TRUE(performer.stream_stop());
    EXPECT_NO_THROW(performer.stream(0.1f * i, 0.2f)) << i;
  }
  stop = true;
  clock.join();
  EXPECT_TRUE(performer.stream_stop());
  EXPECT_THROW(performer.stream(0.0f, 0.0f), Error);  // nothing frees the slot
}

}  // namespace
}  // namespace ngsynth::live
