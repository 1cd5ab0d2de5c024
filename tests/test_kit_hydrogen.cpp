// A kit written by kit::write_kit, played by Hydrogen itself: h2cli (Debian's hydrogen 1.2)
// renders a song whose notes sit at known ticks, with the kit loaded from its drumkit.xml
// (`-k NAME`: the song's own instrument list has no samples, so every sound heard comes
// through the kit file). The rendered WAV must hold one onset per note, where the tempo and
// the tick put it, silence between, and at each onset the tone of the right instrument and
// velocity layer (every layer of the kit is a decaying sine of its own pitch).
//
// h2cli runs with a temporary HOME (the kit is installed as a user kit in
// HOME/.hydrogen/data/drumkits/NAME; Hydrogen writes its hydrogen.conf there) and TMPDIR,
// with JACK told neither to start a server nor to find one (h2cli tries JACK, then ALSA,
// before it falls back to its null driver; the file is written by its disk writer in any
// case). Run as root, Hydrogen "upgrades" old system kits in /usr/share/hydrogen in place
// (it leaves drumkit.xml.*.bak files there), so then it runs as the unprivileged user
// nobody (setpriv), which cannot.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <numbers>
#include <set>
#include <sstream>

#include "ngsynth/audio/audio_file.h"
#include "ngsynth/kit/kit_writer.h"
#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;

constexpr int kKitRate = 22050;
constexpr int kRenderRate = 44100;
constexpr double kBpm = 120.0;
constexpr int kTicksPerQuarter = 48;  // Hydrogen's resolution: a 4/4 bar is 192 ticks
constexpr double kHitSeconds = 0.15;

// Layer l of instrument i sounds at kFreq[i][l]: layer 0 for velocities up to 0.5.
constexpr double kFreq[3][2] = {{200.0, 300.0}, {450.0, 650.0}, {900.0, 1300.0}};

struct Note {
  int tick;
  int instrument;
  float velocity;
};

std::vector<float> hit(double freq) {
  const int n = static_cast<int>(kHitSeconds * kKitRate);
  std::vector<float> x(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    x[static_cast<std::size_t>(i)] = static_cast<float>(
        0.7 * std::exp(-6.0 * i / n) * std::sin(2.0 * std::numbers::pi * freq * i / kKitRate));
  return x;
}

kit::KitDescription tone_kit(const std::string& name) {
  kit::KitDescription k;
  k.name = name;
  k.author = "ngsynth tests";
  k.license = "CC0-1.0";
  k.sample_rate = kKitRate;
  const char* names[3] = {"kick", "snare", "hihat"};
  for (int i = 0; i < 3; ++i) {
    kit::KitInstrument inst;
    inst.name = names[i];
    for (int l = 0; l < 2; ++l) {
      kit::KitLayer layer;
      layer.audio = hit(kFreq[i][l]);
      layer.min_velocity = 0.5f * l;
      layer.max_velocity = 0.5f * (l + 1);
      inst.layers.push_back(std::move(layer));
    }
    k.instruments.push_back(std::move(inst));
  }
  return k;
}

// A Hydrogen 1.2 song (the shape of /usr/share/hydrogen/data/demo_songs/*.h2song): one
// one-bar pattern of `notes`, played once. Its instruments name the kit but hold no
// samples: h2cli -k loads them from the kit's drumkit.xml.
std::string h2song(const kit::KitDescription& k, const std::vector<Note>& notes) {
  std::ostringstream s;
  s << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<song>\n <version>1.2.0</version>\n"
    << " <bpm>" << kBpm << "</bpm>\n <volume>1</volume>\n <metronomeVolume>0</metronomeVolume>\n"
    << " <name>kit test</name>\n <author>ngsynth tests</author>\n <notes></notes>\n"
    << " <license>CC0-1.0</license>\n <loopEnabled>false</loopEnabled>\n"
    << " <patternModeMode>true</patternModeMode>\n <playbackTrackFilename></playbackTrackFilename>\n"
    << " <playbackTrackEnabled>false</playbackTrackEnabled>\n <playbackTrackVolume>0</playbackTrackVolume>\n"
    << " <action_mode>0</action_mode>\n <mode>song</mode>\n"
    << " <pan_law_type>RATIO_STRAIGHT_POLYGONAL</pan_law_type>\n <pan_law_k_norm>1.33333</pan_law_k_norm>\n"
    << " <humanize_time>0</humanize_time>\n <humanize_velocity>0</humanize_velocity>\n"
    << " <swing_factor>0</swing_factor>\n"
    << " <componentList>\n  <drumkitComponent><id>0</id><name>Main</name><volume>1</volume></drumkitComponent>\n"
    << " </componentList>\n <instrumentList>\n";
  for (std::size_t i = 0; i < k.instruments.size(); ++i)
    s << "  <instrument><id>" << i << "</id><name>" << k.instruments[i].name << "</name>"
      << "<drumkit>" << k.name << "</drumkit><drumkitLookup>1</drumkitLookup>"
      << "<volume>1</volume><isMuted>false</isMuted><isSoloed>false</isSoloed><pan>0</pan>"
      << "<gain>1</gain><applyVelocity>true</applyVelocity><filterActive>false</filterActive>"
      << "<filterCutoff>1</filterCutoff><filterResonance>0</filterResonance>"
      << "<Attack>0</Attack><Decay>0</Decay><Sustain>1</Sustain><Release>1000</Release>"
      << "<pitchOffset>0</pitchOffset><randomPitchFactor>0</randomPitchFactor><muteGroup>-1</muteGroup>"
      << "<isStopNote>false</isStopNote><sampleSelectionAlgo>"
      << (k.instruments[i].selection == kit::LayerSelection::round_robin ? "ROUND_ROBIN" : "VELOCITY")
      << "</sampleSelectionAlgo>"
      << "<midiOutChannel>-1</midiOutChannel><midiOutNote>" << 36 + i << "</midiOutNote>"
      << "<isHihat>-1</isHihat><lower_cc>0</lower_cc><higher_cc>127</higher_cc>"
      << "<instrumentComponent><component_id>0</component_id><gain>1</gain></instrumentComponent>"
      << "</instrument>\n";
  s << " </instrumentList>\n <patternList>\n  <pattern>\n   <name>P1</name>\n   <category></category>\n"
    << "   <size>" << 4 * kTicksPerQuarter << "</size>\n   <denominator>4</denominator>\n"
    << "   <info></info>\n   <noteList>\n";
  for (const Note& n : notes)
    s << "    <note><position>" << n.tick << "</position><leadlag>0</leadlag><velocity>"
      << n.velocity << "</velocity><pan>0</pan><pitch>0</pitch><probability>1</probability>"
      << "<key>C0</key><length>-1</length><instrument>" << n.instrument
      << "</instrument><note_off>false</note_off></note>\n";
  s << "   </noteList>\n  </pattern>\n </patternList>\n <virtualPatternList/>\n"
    << " <patternSequence>\n  <group><patternID>P1</patternID></group>\n </patternSequence>\n"
    << " <ladspa/>\n <BPMTimeLine/>\n <timeLineTag/>\n"
    << " <automationPaths>\n  <path adjust=\"velocity\"/>\n </automationPaths>\n</song>\n";
  return s.str();
}

// Power of `freq` in x[begin, begin + n) (Goertzel).
double tone_power(const std::vector<float>& x, std::size_t begin, std::size_t n, double freq, int rate) {
  const double w = 2.0 * std::numbers::pi * freq / rate, c = 2.0 * std::cos(w);
  double s1 = 0, s2 = 0;
  for (std::size_t i = begin; i < begin + n && i < x.size(); ++i) {
    const double s0 = x[i] + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - c * s1 * s2;
}

bool have_h2cli() { return test::run_command("command -v h2cli").exit_code == 0; }

// Installs `k` as a user kit of a temporary HOME, has h2cli render a song of `notes` on it
// and returns the rendered samples (mono), or adds a failure and returns nothing.
std::vector<float> render_with_h2cli(const test::ScratchDir& dir, const kit::KitDescription& kit_in,
                                     const std::vector<Note>& notes) {
  const fs::path home = dir / "home", tmp = dir / "tmp";
  const fs::path kit_dir = home / ".hydrogen" / "data" / "drumkits" / kit_in.name;
  fs::create_directories(tmp);
  const kit::KitDescription k = kit::write_kit(kit_dir, kit_in);
  write_file_atomically(dir / "song.h2song", h2song(k, notes));

  std::string prefix;
  if (::geteuid() == 0) {
    const auto c = test::run_command("chown -R 65534:65534 " + test::quote(dir.path()));
    EXPECT_EQ(c.exit_code, 0) << c.output;
    prefix = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
  }
  const fs::path out = dir / "out.wav";
  const auto r = test::run_command(
      "cd " + test::quote(dir.path()) + " && env HOME=" + test::quote(home) +
      " TMPDIR=" + test::quote(tmp) + " JACK_NO_START_SERVER=1 JACK_DEFAULT_SERVER=ngsynth-no-such-server " +
      prefix + "timeout 60 h2cli -s " + test::quote(dir / "song.h2song") + " -k '" + k.name + "' -o " +
      test::quote(out) + " -r " + std::to_string(kRenderRate) + " -b 16 </dev/null");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  if (r.exit_code != 0 || !fs::is_regular_file(out)) {
    ADD_FAILURE() << "h2cli wrote no " << out << "\n" << r.output;
    return {};
  }
  // Hydrogen found the kit up to date: it did not "upgrade" it (with a backup beside it).
  for (const auto& e : fs::directory_iterator(kit_dir))
    EXPECT_NE(e.path().extension(), ".bak") << "Hydrogen upgraded the kit: " << e.path();
  const Audio a = read_audio(out);
  EXPECT_EQ(a.sample_rate, kRenderRate);
  float peak = 0;
  for (float v : a.samples) peak = std::max(peak, std::abs(v));
  if (peak < 0.05f) ADD_FAILURE() << "the rendered song is silent (peak " << peak << ")\n" << r.output;
  return a.samples;
}

// Onsets: the first sample above the threshold after at least 50 ms below it.
std::vector<std::size_t> onsets_of(const std::vector<float>& x) {
  const float threshold = 0.01f;
  const std::size_t gap = kRenderRate / 20;
  std::vector<std::size_t> onsets;
  std::size_t last_loud = 0;
  bool any = false;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::abs(x[i]) < threshold) continue;
    if (!any || i - last_loud > gap) onsets.push_back(i);
    any = true;
    last_loud = i;
  }
  return onsets;
}

TEST(KitHydrogen, H2cliPlaysASongOnTheKit) {
  if (!have_h2cli()) GTEST_SKIP() << "h2cli missing (Debian package hydrogen, scripts/setup.sh)";
  test::ScratchDir dir("kit-h2cli");
  // Eight notes 24 ticks (an eighth, 0.25 s) apart, on both layers of every instrument.
  const std::vector<Note> notes = {{0, 0, 0.8f},  {24, 1, 0.8f},  {48, 2, 0.8f}, {72, 0, 0.3f},
                                   {96, 1, 0.3f}, {120, 2, 0.3f}, {144, 1, 1.0f}, {168, 0, 0.6f}};
  const std::vector<float> x = render_with_h2cli(dir, tone_kit("ngsynth h2cli kit"), notes);
  ASSERT_FALSE(x.empty());
  const std::vector<std::size_t> onsets = onsets_of(x);
  const double tick_seconds = 60.0 / (kBpm * kTicksPerQuarter);
  ASSERT_EQ(onsets.size(), notes.size()) << "onsets found: " << ::testing::PrintToString(onsets);
  const std::size_t hit_frames = static_cast<std::size_t>(kHitSeconds * kRenderRate);
  for (std::size_t n = 0; n < notes.size(); ++n) {
    const double expected = notes[n].tick * tick_seconds;
    const double got = static_cast<double>(onsets[n]) / kRenderRate;
    // Within 3 ms (a sine starts at 0: the threshold is crossed a little late).
    EXPECT_NEAR(got, expected, 0.003) << "note " << n;
    const std::size_t start = static_cast<std::size_t>(std::lround(expected * kRenderRate));
    // Silence from the end of the hit to the next note (or the end of the file).
    const std::size_t quiet_from = start + hit_frames + kRenderRate / 200;
    const std::size_t quiet_to = n + 1 < notes.size()
        ? static_cast<std::size_t>(std::lround(notes[n + 1].tick * tick_seconds * kRenderRate)) - kRenderRate / 500
        : x.size();
    float rest = 0;
    for (std::size_t i = quiet_from; i < quiet_to && i < x.size(); ++i) rest = std::max(rest, std::abs(x[i]));
    EXPECT_LT(rest, 1e-3f) << "sound after note " << n << " where there should be silence";
    // The tone: the right instrument and velocity layer, well above every other layer's.
    const int want_i = notes[n].instrument, want_l = notes[n].velocity > 0.5f ? 1 : 0;
    const std::size_t window = kRenderRate / 16;  // 62.5 ms from 2 ms in
    const double want = tone_power(x, start + kRenderRate / 500, window, kFreq[want_i][want_l], kRenderRate);
    for (int i = 0; i < 3; ++i)
      for (int l = 0; l < 2; ++l)
        if (i != want_i || l != want_l)
          EXPECT_GT(want, 20.0 * tone_power(x, start + kRenderRate / 500, window, kFreq[i][l], kRenderRate))
              << "note " << n << ": instrument " << i << " layer " << l << " is as loud as the one played";
  }
  // The note's velocity scales the hit (applyVelocity): the kick's layer 1 at 0.8 and 0.6.
  const auto peak_at = [&](std::size_t n) {
    const std::size_t s0 = onsets[n];
    float p = 0;
    for (std::size_t i = s0; i < s0 + hit_frames && i < x.size(); ++i) p = std::max(p, std::abs(x[i]));
    return p;
  };
  EXPECT_NEAR(peak_at(7) / peak_at(0), 0.6 / 0.8, 0.05);
}

// Round robin: three layers over the whole velocity range take turns, in Hydrogen as the
// drumkit.xml's ROUND_ROBIN says.
TEST(KitHydrogen, H2cliTakesRoundRobinLayersInTurn) {
  if (!have_h2cli()) GTEST_SKIP() << "h2cli missing (Debian package hydrogen, scripts/setup.sh)";
  test::ScratchDir dir("kit-h2cli-rr");
  const double freqs[3] = {300.0, 500.0, 800.0};
  kit::KitDescription k = tone_kit("ngsynth round robin");
  k.instruments.resize(1);
  k.instruments[0].selection = kit::LayerSelection::round_robin;
  k.instruments[0].layers.clear();
  for (double f : freqs) {
    kit::KitLayer layer;
    layer.audio = hit(f);
    k.instruments[0].layers.push_back(std::move(layer));
  }
  std::vector<Note> notes;
  for (int n = 0; n < 6; ++n) notes.push_back({24 * n, 0, 0.8f});
  const std::vector<float> x = render_with_h2cli(dir, k, notes);
  ASSERT_FALSE(x.empty());
  const std::vector<std::size_t> onsets = onsets_of(x);
  ASSERT_EQ(onsets.size(), notes.size()) << ::testing::PrintToString(onsets);
  std::vector<int> layer;
  for (std::size_t o : onsets) {
    int best = 0;
    double p[3];
    for (int l = 0; l < 3; ++l) p[l] = tone_power(x, o + kRenderRate / 500, kRenderRate / 16, freqs[l], kRenderRate);
    for (int l = 1; l < 3; ++l)
      if (p[l] > p[best]) best = l;
    layer.push_back(best);
  }
  // Every layer in turn: three different ones, then the same three again.
  EXPECT_EQ(std::set<int>(layer.begin(), layer.begin() + 3).size(), 3u) << ::testing::PrintToString(layer);
  for (int n = 3; n < 6; ++n) EXPECT_EQ(layer[n], layer[n - 3]) << ::testing::PrintToString(layer);
}

}  // namespace
}  // namespace ngsynth
