// ngsynth-drums as a host sees it: the built .clap module loaded by the test's own CLAP
// host (clap_host.h), a random-weight model file set as its state, activated at 48 kHz,
// MIDI notes sent. The output is checked against the runtime's own renders of the same
// classes and seeds, placed at the note frames plus the reported latency and resampled
// with the plugin's converter: onsets, classes, gains and the silence between notes in
// one comparison, then each of them on its own. Also: equal rates give exactly what
// `ngsynth drums` renders; a seed gives the same bounce at any block size; process()
// makes no heap call and takes no lock; a bad model path is one message and silence.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <cstdio>
#include <map>
#include <thread>

#include "clap_host.h"
#include "drums_processor.h"
#include "heap_lock_counter.h"
#include "note_map.h"
#include "rate_converter.h"
#include "plugin_test_support.h"
#include "ngsynth/live/pattern_render.h"
#include "ngsynth/live/step_timing.h"
#include "ngsynth/runtime/instrument.h"
#include "ngsynth/util/hash.h"

namespace fs = std::filesystem;
using namespace ngsynth;
using test::ClapHost;
using test::HostMidi;
using test::HostParam;
using test::Note;
using test::Reference;
using test::model_path;
using test::peak;
using test::residual;
using test::correlation;

namespace {

std::string status_of(ClapHost& h) {
  const std::string s = h.save_state();
  const std::string key = std::string("status") + '\0';
  const auto at = s.find(key);
  if (at == std::string::npos) return "";
  const auto begin = at + key.size();
  return s.substr(begin, s.find('\0', begin) - begin);
}

// Runs silent blocks until the plugin reports it plays the current parameters' sounds.
// Blocks of 48 frames: a whole number of frames at 16 kHz for every host rate used here,
// so the notes that follow round to the model's rate as in Reference (from frame 0).
void wait_ready(ClapHost& h, uint32_t = 0) {
  const uint32_t block = 48;
  std::vector<float> l(block), r(block);
  for (int i = 0; i < 400; ++i) {
    if (status_of(h).find("ready") != std::string::npos) return;
    h.process(block, {}, {}, l, r);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  FAIL() << "the plugin never got ready: " << status_of(h);
}

std::unique_ptr<ClapHost> open_plugin(double rate, uint32_t block, const std::string& model = model_path().string()) {
  auto h = std::make_unique<ClapHost>(NGSYNTH_DRUMS_CLAP);
  h->load_state(ClapHost::dpf_state("model", model));
  h->activate(rate, block);
  return h;
}

// Plays `frames` frames in blocks of `block`, notes and parameters at absolute frames.
std::vector<float> play(ClapHost& h, int64_t frames, uint32_t block, const std::vector<Note>& notes,
                        const std::vector<std::pair<int64_t, HostParam>>& params = {}) {
  std::vector<float> out, l(block), r(block);
  std::vector<HostMidi> midi;
  std::vector<HostParam> ps;
  for (int64_t t = 0; t < frames; t += block) {
    const uint32_t n = static_cast<uint32_t>(std::min<int64_t>(block, frames - t));
    midi.clear(), ps.clear();
    for (const Note& e : notes)
      if (e.frame >= t && e.frame < t + n) midi.push_back({static_cast<uint32_t>(e.frame - t), 0x99, e.key, e.velocity});
    for (const auto& [f, p] : params)
      if (f >= t && f < t + n) ps.push_back({static_cast<uint32_t>(f - t), p.id, p.value});
    EXPECT_TRUE(h.process(n, midi, ps, l, r));
    for (uint32_t i = 0; i < n; ++i) EXPECT_EQ(l[i], r[i]) << "left and right differ at " << t + i;
    out.insert(out.end(), l.begin(), l.begin() + n);
  }
  return out;
}

const std::vector<Note> kNotes = {
    {1000, 36, 127},   // kick
    {10000, 38, 100},  // snare
    {20000, 42, 127},  // hihat
    {30000, 39, 64},   // clap
    {40000, 45, 127},  // tom
    {50000, 49, 127},  // crash: not in the model -> perc
};
constexpr int64_t kFrames = 60000;

}  // namespace

int latency_48k() {
  auto h = open_plugin(48000, 256);
  return static_cast<int>(h->latency());
}

TEST(PluginClap, DescribesAnInstrumentWithItsParametersStateAndLatency) {
  ClapHost h(NGSYNTH_DRUMS_CLAP);
  EXPECT_EQ(h.plugin_id(), "org.ngsynth.drums");
  const auto f = h.features();
  EXPECT_NE(std::find(f.begin(), f.end(), "instrument"), f.end());
  ASSERT_EQ(h.param_count(), drums::kParamCount);
  EXPECT_EQ(h.param_name(0), "Temperature");
  EXPECT_EQ(h.param_name(drums::kNewKit), "New kit");
  EXPECT_EQ(h.param_name(drums::kLevelFirst), "Kick level");
  EXPECT_EQ(h.audio_output_channels(), 2u);
  EXPECT_NE(status_of(h).find("no model set"), std::string::npos) << status_of(h);
  h.load_state(ClapHost::dpf_state("model", model_path().string()));
  h.activate(48000, 256);
  const std::string s = status_of(h);
  EXPECT_NE(s.find("classes kick snare clap hihat tom perc"), std::string::npos) << s;
  // The converter's measured lead (84 model frames with Debian 12's libsamplerate)
  // in host frames: a whole number of model frames at 48 kHz.
  const uint32_t latency = h.latency();
  EXPECT_GT(latency, 60u);
  EXPECT_LT(latency, 1200u);
  EXPECT_EQ(latency % 3, 0u);
  EXPECT_NE(s.find("latency " + std::to_string(latency) + " frames"), std::string::npos) << s;
  std::printf("latency at 48 kHz: %u frames\n", latency);
  // The state saved names the model and the note map.
  const std::string state = h.save_state();
  EXPECT_NE(state.find(model_path().string()), std::string::npos);
  EXPECT_NE(state.find("36=kick"), std::string::npos);
}

TEST(PluginClap, NotesPlayTheRuntimesHitsAtTheRightFramesWithSilenceBetween) {
  auto h = open_plugin(48000, 256);
  wait_ready(*h, 256);
  const int latency = static_cast<int>(h->latency());
  const int lead = latency / 3;  // model frames
  const std::vector<float> got = play(*h, kFrames, 256, kNotes);
  Reference ref;
  const std::vector<float> want = ref.render(kNotes, kFrames, 48000, lead);
  const float top = peak(want);
  ASSERT_GT(top, 1e-3f) << "the test model renders silence";
  // 1. Everything at once: the same samples within float rounding.
  float worst = 0;
  for (std::size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::abs(got[i] - want[i]));
  EXPECT_LT(worst, 1e-5f * top) << "peak " << top;

  const int hit_frames = ref.model->grain().event_length() * 3;  // at 48 kHz
  for (std::size_t k = 0; k < kNotes.size(); ++k) {
    const int64_t onset = kNotes[k].frame + latency;
    // 2. Onset: silence up to the expected onset less the resampler's filter, which rings
    // ahead of a step by up to half its length (about 20 model frames, 60 here), and
    // sound right after it.
    const int64_t quiet_from = k == 0 ? 0 : kNotes[k - 1].frame + latency + hit_frames + 64;
    for (int64_t i = quiet_from; i < onset - 64; ++i)
      ASSERT_LT(std::abs(got[static_cast<std::size_t>(i)]), 1e-6f * top) << "note " << k << " frame " << i;
    EXPECT_GT(peak(std::span(got).subspan(static_cast<std::size_t>(onset), 48)), 1e-3f * top) << "note " << k;
    // 3. Class: the segment is the hit of the note's class (relative residual energy at
    // float rounding) and clearly not that of any other class. The classes share the
    // seed's noise, so they correlate (0.92-0.99 for this model): the residual, not the
    // correlation, tells them apart.
    const std::span<const float> seg = std::span(got).subspan(static_cast<std::size_t>(kNotes[k].frame), hit_frames + latency);
    double right = -1, closest_other = 1e30;
    for (int c = 0; c < ref.model->n_classes(); ++c) {
      // The class's hit alone, through the same path (note key chosen by class).
      uint8_t key = 0;
      for (int n = 0; n < 128; ++n)
        if (ref.classes[static_cast<std::size_t>(n)] == c) { key = static_cast<uint8_t>(n); break; }
      const std::vector<float> alone = ref.render({{kNotes[k].frame, key, kNotes[k].velocity}},
                                                  kNotes[k].frame + hit_frames + latency, 48000, lead);
      const double r = residual(seg, std::span(alone).subspan(static_cast<std::size_t>(kNotes[k].frame)));
      if (c == ref.classes[kNotes[k].key]) right = r;
      else closest_other = std::min(closest_other, r);
    }
    EXPECT_LT(right, 1e-9) << "note " << k;
    EXPECT_GT(closest_other, 1e-3) << "note " << k << ": another class plays the same sound";
  }
  EXPECT_EQ(ref.classes[49], 5) << "crash falls back to perc";
}

TEST(PluginClap, AtTheModelsRateTheBounceIsWhatNgsynthDrumsRenders) {
  // A pattern as `ngsynth drums` reads it, every track at seed 0 and full velocity, and
  // the same notes sent as MIDI at the step frames: at 16 kHz nothing is resampled and the
  // plugin's latency is 0, so the samples must be the same.
  live::Pattern p;
  p.tempo = 150;
  p.steps = 8;
  auto track = [](const char* name, std::vector<float> steps) {
    live::PatternTrack t;
    t.class_name = name;
    t.steps = std::move(steps);
    return t;
  };
  p.tracks = {track("kick", {1, 0, 0, 0, 1, 0, 0, 0}), track("snare", {0, 0, 1, 0, 0, 0, 1, 0}),
              track("hihat", {1, 1, 1, 1, 1, 1, 1, 1})};
  Reference ref;
  const std::vector<float> drums = live::render_pattern(p, ref.instrument, 2, live::LoopTail::append);
  const std::map<std::string, uint8_t> key = {{"kick", 36}, {"snare", 38}, {"hihat", 42}};
  std::vector<Note> notes;
  for (int loop = 0; loop < 2; ++loop)
    for (int s = 0; s < p.steps; ++s)
      for (const auto& t : p.tracks)
        if (t.steps[static_cast<std::size_t>(s)] > 0)
          notes.push_back({live::step_frame(p, 16000, loop, s), key.at(t.class_name), 127});
  auto h = open_plugin(16000, 128);
  wait_ready(*h, 128);
  EXPECT_EQ(h->latency(), 0u);
  const std::vector<float> got = play(*h, static_cast<int64_t>(drums.size()), 128, notes);
  ASSERT_EQ(got.size(), drums.size());
  float worst = 0;
  for (std::size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::abs(got[i] - drums[i]));
  EXPECT_EQ(worst, 0.0f) << "peak " << peak(drums);
  EXPECT_GT(peak(drums), 1e-3f);
}

TEST(PluginClap, ASeedGivesTheSameBounceAtAnyBlockSizeAndAnotherSeedAnotherKit) {
  std::vector<float> a, b, c;
  {
    auto h = open_plugin(48000, 256);
    wait_ready(*h, 256);
    a = play(*h, kFrames, 256, kNotes);
  }
  {
    auto h = open_plugin(44100, 97);
    wait_ready(*h, 97);
    (void)play(*h, 1000, 97, {});
  }
  {
    auto h = open_plugin(48000, 97);
    wait_ready(*h, 97);
    b = play(*h, kFrames, 97, kNotes);
  }
  EXPECT_EQ(a, b) << "block size changed the samples";
  {
    auto h = open_plugin(48000, 256);
    // Seed 5, set by the host as a parameter, before the notes.
    std::vector<float> l(256), r(256);
    h->process(256, {}, {{0, static_cast<uint32_t>(drums::kSeed), 5.0}}, l, r);
    wait_ready(*h, 256);
    EXPECT_EQ(h->param_value(drums::kSeed), 5.0);
    c = play(*h, kFrames, 256, kNotes);
  }
  Reference ref;
  const std::vector<float> want5 = ref.render(kNotes, kFrames, 48000, latency_48k() / 3, 5);
  float worst = 0, differ = 0;
  for (std::size_t i = 0; i < c.size(); ++i)
    worst = std::max(worst, std::abs(c[i] - want5[i])), differ = std::max(differ, std::abs(c[i] - a[i]));
  EXPECT_LT(worst, 1e-5f * peak(want5));
  EXPECT_GT(differ, 1e-3f * peak(a)) << "seed 5 played seed 0's kit";
}

TEST(PluginClap, NewKitResamplesEveryClassAndTheStateKeepsIt) {
  std::vector<float> before, after, restored;
  std::string state;
  {
    auto h = open_plugin(48000, 256);
    wait_ready(*h, 256);
    before = play(*h, kFrames, 256, kNotes);
    std::vector<float> l(256), r(256);
    const uint32_t id = static_cast<uint32_t>(drums::kNewKit);
    h->process(256, {}, {{0, id, 1.0}, {10, id, 0.0}}, l, r);
    wait_ready(*h, 256);
    after = play(*h, kFrames, 256, kNotes);
    state = h->save_state();
  }
  EXPECT_NE(state.find(std::string("kit") + '\0' + "1" + '\0'), std::string::npos);
  for (const Note& n : kNotes) {
    const auto at = static_cast<std::size_t>(n.frame);
    const auto seg_b = std::span(before).subspan(at, 4000), seg_a = std::span(after).subspan(at, 4000);
    EXPECT_LT(correlation(seg_b, seg_a), 0.99) << "note " << int(n.key) << " kept its hit";
  }
  {
    auto h = std::make_unique<ClapHost>(NGSYNTH_DRUMS_CLAP);
    h->load_state(state);
    h->activate(48000, 256);
    wait_ready(*h, 256);
    restored = play(*h, kFrames, 256, kNotes);
  }
  EXPECT_EQ(restored, after);
}

TEST(PluginClap, ProcessMakesNoHeapCallAndTakesNoLock) {
  auto h = open_plugin(48000, 256);
  wait_ready(*h, 256);
  std::vector<float> l(256), r(256);
  std::vector<HostMidi> midi;
  std::vector<HostParam> params;
  midi.reserve(64), params.reserve(64);
  long heap = 0, locks = 0, trylocks = 0;
  bool swapped = false;
  for (int block = 0; block < 2000; ++block) {
    midi.clear(), params.clear();
    if (block % 3 == 0) midi.push_back({static_cast<uint32_t>(block % 200), 0x99, uint8_t(35 + block % 20), 100});
    if (block % 7 == 0) midi.push_back({255, 0x99, 38, 127});
    if (block % 5 == 0) params.push_back({0, static_cast<uint32_t>(drums::kVariation), (block % 10) / 10.0});
    if (block % 11 == 0) params.push_back({3, static_cast<uint32_t>(drums::kLevelFirst + 1), 0.5});
    // A seed change: the builder thread renders a new kit while notes play, and the
    // audio thread takes it over (and retires the old one) inside the counted calls.
    if (block == 500) params.push_back({0, static_cast<uint32_t>(drums::kSeed), 3.0});
    const long h0 = test::heap_calls(), l0 = test::lock_calls(), t0 = test::trylock_calls();
    {
      test::CountScope count;
      ASSERT_TRUE(h->process(256, midi, params, l, r));
    }
    heap += test::heap_calls() - h0;
    locks += test::lock_calls() - l0;
    trylocks += test::trylock_calls() - t0;
    if (block > 500 && !swapped && status_of(*h).find("ready") != std::string::npos) swapped = true;
    if (block >= 500 && block < 700) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(swapped) << "the new kit never reached the audio thread";
  EXPECT_EQ(heap, 0) << "heap calls in process()";
  EXPECT_EQ(locks, 0) << "mutex locks in process()";
  // DPF's CLAP wrapper, built with a UI, tries (never waits for) its UI event queue's
  // mutex once a block; the plugin's own run() tries none.
  EXPECT_LE(trylocks, 2000) << "more than DPF's one try-lock a block";
  std::printf("process(): %ld heap calls, %ld locks, %ld try-locks in 2000 blocks\n", heap, locks, trylocks);
  // The counter counts: one allocation in a counted scope is seen.
  const long h0 = test::heap_calls();
  {
    test::CountScope count;
    std::vector<int> v(10);
    ASSERT_EQ(v.size(), 10u);
  }
  EXPECT_GE(test::heap_calls() - h0, 1);
}

TEST(PluginClap, ABadModelIsOneClearMessageAndSilence) {
  const fs::path junk = model_path().parent_path() / "junk.ngs";
  std::ofstream(junk) << "not a model";
  for (const std::string& path : {std::string("/nonexistent/model.ngs"), junk.string()}) {
    auto h = open_plugin(48000, 256, path);
    const std::string s = status_of(*h);
    EXPECT_NE(s.find(path), std::string::npos) << s;
    EXPECT_NE(s.find("silent"), std::string::npos) << s;
    const std::vector<float> out = play(*h, 20000, 256, kNotes);
    EXPECT_EQ(peak(out), 0.0f);
    // A good model afterwards plays again.
    h->load_state(ClapHost::dpf_state("model", model_path().string()));
    wait_ready(*h, 256);
    EXPECT_GT(peak(play(*h, 20000, 256, kNotes)), 1e-3f);
  }
}

TEST(PluginNoteMap, GeneralMidiDefaultsParseAndRoundTrip) {
  const drums::NoteMap gm = drums::NoteMap::general_midi();
  EXPECT_EQ(gm.classes[36], "kick");
  EXPECT_EQ(gm.classes[40], "snare");
  EXPECT_EQ(gm.classes[39], "clap");
  EXPECT_EQ(gm.classes[46], "hihat");
  EXPECT_EQ(gm.classes[50], "tom");
  EXPECT_EQ(gm.classes[57], "crash");
  EXPECT_EQ(gm.classes[59], "ride");
  EXPECT_EQ(gm.classes[60], "perc");
  const drums::NoteMap back = drums::NoteMap::parse(gm.to_string());
  EXPECT_EQ(back.classes, gm.classes);
  const drums::NoteMap m = drums::NoteMap::parse("60=kick 62=snare default=none pad=72");
  EXPECT_EQ(m.classes[60], "kick");
  EXPECT_EQ(m.classes[61], "");
  EXPECT_EQ(m.pad_note, 72);
  const auto idx = m.resolve({"snare", "kick"});
  EXPECT_EQ(idx[60], 1);
  EXPECT_EQ(idx[62], 0);
  EXPECT_EQ(idx[61], -1);
  EXPECT_THROW(drums::NoteMap::parse("60"), Error);
  EXPECT_THROW(drums::NoteMap::parse("200=kick"), Error);
  EXPECT_THROW(drums::NoteMap::parse("x=kick"), Error);
}

TEST(PluginClap, ThePadNotePlaysAGrainStreamWhileHeldAndFadesOnRelease) {
  auto h = open_plugin(48000, 256);
  wait_ready(*h, 256);
  const int latency = static_cast<int>(h->latency());
  std::vector<float> out, l(256), r(256);
  const int64_t press = 2560, release = 2560 + 48000;  // one second held
  long heap = 0, locks = 0;
  for (int64_t t = 0; t < 96000; t += 256) {
    std::vector<HostMidi> midi;
    std::vector<HostParam> params;
    if (press >= t && press < t + 256) midi.push_back({static_cast<uint32_t>(press - t), 0x99, 84, 127});
    if (release >= t && release < t + 256) midi.push_back({static_cast<uint32_t>(release - t), 0x89, 84, 0});
    // The point moves while the pad plays.
    if (t == 24064) params.push_back({0, static_cast<uint32_t>(drums::kPadX), 0.9});
    const long h0 = test::heap_calls(), l0 = test::lock_calls();
    {
      test::CountScope count;
      ASSERT_TRUE(h->process(256, midi, params, l, r));
    }
    heap += test::heap_calls() - h0, locks += test::lock_calls() - l0;  // try-locks: see ProcessMakes...
    out.insert(out.end(), l.begin(), l.end());
    std::this_thread::sleep_for(std::chrono::microseconds(1500));  // about real time for the pad thread
  }
  EXPECT_EQ(heap, 0);
  EXPECT_EQ(locks, 0);
  auto rms = [&](int64_t a, int64_t b) {
    double e = 0;
    for (int64_t i = a; i < b; ++i) e += double(out[static_cast<std::size_t>(i)]) * out[static_cast<std::size_t>(i)];
    return std::sqrt(e / double(b - a));
  };
  EXPECT_EQ(rms(0, press + latency - 64), 0.0) << "sound before the pad was pressed";
  // Sounding from the end of the 5 ms fade-in through the hold, before and after the move.
  const double first = rms(press + latency + 480, press + 24000), second = rms(press + 26000, release);
  EXPECT_GT(first, 1e-3);
  EXPECT_GT(second, 1e-3);
  // Silent once the release and its 5 ms fade have passed through the latency.
  EXPECT_EQ(rms(release + latency + 240 + 96, static_cast<int64_t>(out.size())), 0.0);
  std::printf("pad: rms %.4f before and %.4f after the move\n", first, second);
}

TEST(PluginClap, ANewKitSwappedInWhileAHitRingsLetsItRingToItsEnd) {
  auto h = open_plugin(48000, 256);
  wait_ready(*h, 256);
  const int latency = static_cast<int>(h->latency());
  const uint32_t trigger = static_cast<uint32_t>(drums::kNewKit);
  std::vector<float> out, l(256), r(256);
  const int64_t frames = 30000, swap_block = 3072;
  for (int64_t t = 0; t < frames; t += 256) {
    std::vector<HostMidi> midi;
    std::vector<HostParam> params;
    if (t == 768) midi.push_back({1000 - 768, 0x99, 36, 127});     // a kick at 1000, sounding from 1000 + latency
    if (t == 19968) midi.push_back({20000 - 19968, 0x99, 36, 127});  // the new kit's kick at 20000
    if (t == swap_block - 256) params = {{0, trigger, 1.0}, {100, trigger, 0.0}};
    ASSERT_TRUE(h->process(256, midi, params, l, r));
    out.insert(out.end(), l.begin(), l.end());
    // Let the builder render the new kit, so that the next block (at swap_block, while the
    // first kick rings) takes it over.
    if (t == swap_block - 256) std::this_thread::sleep_for(std::chrono::milliseconds(400));
  }
  EXPECT_NE(status_of(*h).find("kit 1"), std::string::npos) << status_of(*h);
  Reference ref;
  const int lead = latency / 3;
  const std::vector<float> old_kick = ref.render({{1000, 36, 127}}, frames, 48000, lead, 0);
  // The new Session's timeline starts at the block that took it.
  const std::vector<float> new_kick = ref.render({{20000 - swap_block, 36, 127}}, frames - swap_block, 48000, lead,
                                                 mix_seed(0, 1));
  std::vector<float> want = old_kick;
  for (std::size_t i = 0; i < new_kick.size(); ++i) want[static_cast<std::size_t>(swap_block) + i] += new_kick[i];
  ASSERT_GT(1000 + latency + 2000, swap_block) << "the swap must fall inside the first kick";
  float worst = 0;
  std::size_t at = 0;
  ASSERT_GE(out.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i)
    if (std::abs(out[i] - want[i]) > worst) worst = std::abs(out[i] - want[i]), at = i;
  EXPECT_LT(worst, 1e-5f * peak(want)) << "peak " << peak(want) << " at " << at << ": " << out[at] << " vs " << want[at];
  // And the new kit's kick is not the old one.
  EXPECT_GT(residual(std::span(new_kick).subspan(20000 - swap_block, 6000),
                     std::span(old_kick).subspan(1000, 6000)), 1e-3);
}
