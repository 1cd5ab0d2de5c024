// The kit writer (kit/kit_writer.h, kit/sfz.h) and sampler (kit/kit_sampler.h): the folder
// it writes (samples, drumkit.xml read back with pugixml and with ngsynth's own kit reader,
// validated against Hydrogen's XSD when xmllint is there, the SFZ naming existing files),
// the refusals (a non-empty folder, duplicate or empty class names) and that no temporary
// folder survives them; the sampler over the deterministic fake instrument.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <numbers>
#include <pugixml.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "fake_instrument.h"
#include "ngsynth/audio/audio_file.h"
#include "ngsynth/data/hydrogen_kit.h"
#include "ngsynth/kit/kit_sampler.h"
#include "ngsynth/kit/kit_writer.h"
#include "ngsynth/kit/sfz.h"
#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;

std::vector<float> tone(double freq, int frames, int rate, float amp = 0.5f) {
  std::vector<float> x(static_cast<std::size_t>(frames));
  for (int i = 0; i < frames; ++i)
    x[static_cast<std::size_t>(i)] = static_cast<float>(
        amp * std::exp(-5.0 * i / frames) * std::sin(2.0 * std::numbers::pi * freq * i / rate));
  return x;
}

// Two classes with awkward names, two velocity layers each.
kit::KitDescription small_kit() {
  kit::KitDescription k;
  k.name = "Test <Kit> & Co";
  k.author = "Tester";
  k.license = "CC0-1.0";
  k.info = "two tones";
  k.sample_rate = 22050;
  for (auto [name, f] : {std::pair<const char*, double>{"Kick", 100.0}, {"Hi Hat/open?", 900.0}}) {
    kit::KitInstrument inst;
    inst.name = name;
    for (int l = 0; l < 2; ++l) {
      kit::KitLayer layer;
      layer.audio = tone(f * (1 + l), 2000, k.sample_rate);
      layer.min_velocity = 0.5f * l;
      layer.max_velocity = 0.5f * (l + 1);
      inst.layers.push_back(std::move(layer));
    }
    k.instruments.push_back(std::move(inst));
  }
  return k;
}

std::set<std::string> entries(const fs::path& folder) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(folder)) out.insert(e.path().filename().string());
  return out;
}

void expect_error(const std::function<void()>& f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no error, expected one with: " << needle;
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(needle), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << "one line: " << what;
  }
}

TEST(KitWriter, WritesSamplesDrumkitXmlAndSfz) {
  test::ScratchDir dir("kit-writer");
  const fs::path out = dir / "deep" / "my kit";
  const kit::KitDescription written = kit::write_kit(out, small_kit());
  EXPECT_EQ(entries(out), (std::set<std::string>{"drumkit.xml", "test_kit_co.sfz", "kick-1.wav",
                                                 "kick-2.wav", "hi_hat_open-1.wav", "hi_hat_open-2.wav"}));
  EXPECT_EQ(entries(dir / "deep"), std::set<std::string>{"my kit"}) << "no temporary folder left";
  EXPECT_EQ(written.instruments[1].layers[1].file, "hi_hat_open-2.wav");

  // The samples, as given (24-bit PCM).
  const Audio a = read_audio(out / "hi_hat_open-2.wav");
  EXPECT_EQ(a.sample_rate, 22050);
  ASSERT_EQ(a.samples.size(), 2000u);
  const auto ref = tone(1800.0, 2000, 22050);
  for (std::size_t i = 0; i < ref.size(); i += 97) EXPECT_NEAR(a.samples[i], ref[i], 1e-5);

  // drumkit.xml, field by field.
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file((out / "drumkit.xml").c_str()));
  const auto root = doc.child("drumkit_info");
  EXPECT_STREQ(root.attribute("xmlns").value(), "http://www.hydrogen-music.org/drumkit");
  EXPECT_STREQ(root.child_value("name"), "Test <Kit> & Co");
  EXPECT_STREQ(root.child_value("author"), "Tester");
  EXPECT_STREQ(root.child_value("license"), "CC0-1.0");
  EXPECT_STREQ(root.child_value("info"), "two tones");
  EXPECT_STREQ(root.child("componentList").child("drumkitComponent").child_value("name"), "Main");
  std::vector<pugi::xml_node> insts;
  for (auto i : root.child("instrumentList").children("instrument")) insts.push_back(i);
  ASSERT_EQ(insts.size(), 2u);
  EXPECT_STREQ(insts[0].child_value("id"), "0");
  EXPECT_STREQ(insts[1].child_value("id"), "1");
  EXPECT_STREQ(insts[1].child_value("name"), "Hi Hat/open?");
  EXPECT_STREQ(insts[0].child_value("volume"), "1");
  EXPECT_STREQ(insts[0].child_value("midiOutNote"), "36");
  EXPECT_STREQ(insts[1].child_value("midiOutNote"), "46");  // open hihat
  EXPECT_STREQ(insts[1].child_value("sampleSelectionAlgo"), "VELOCITY");
  std::vector<pugi::xml_node> layers;
  for (auto l : insts[1].child("instrumentComponent").children("layer")) layers.push_back(l);
  ASSERT_EQ(layers.size(), 2u);
  EXPECT_STREQ(layers[0].child_value("filename"), "hi_hat_open-1.wav");
  EXPECT_STREQ(layers[0].child_value("min"), "0");
  EXPECT_STREQ(layers[0].child_value("max"), "0.5");
  EXPECT_STREQ(layers[1].child_value("min"), "0.5");
  EXPECT_STREQ(layers[1].child_value("max"), "1");
  EXPECT_STREQ(layers[1].child_value("gain"), "1");
  EXPECT_STREQ(layers[1].child_value("pitch"), "0");

  // ngsynth's own kit reader (`ngsynth prepare`) sees the same kit.
  const HydrogenKit back = load_hydrogen_kit(out);
  EXPECT_EQ(back.name, "Test <Kit> & Co");
  ASSERT_EQ(back.instruments.size(), 2u);
  EXPECT_EQ(back.instruments[0].samples,
            (std::vector<fs::path>{out / "kick-1.wav", out / "kick-2.wav"}));

  // The SFZ: one group per instrument on its GM key, every region's sample exists.
  const std::string sfz = read_file(out / "test_kit_co.sfz");
  EXPECT_NE(sfz.find("<group>\nkey=36\n"), std::string::npos) << sfz;
  EXPECT_NE(sfz.find("<group>\nkey=46\n"), std::string::npos) << sfz;
  EXPECT_NE(sfz.find("<region> sample=kick-1.wav lovel=1 hivel=64\n"), std::string::npos) << sfz;
  EXPECT_NE(sfz.find("<region> sample=kick-2.wav lovel=65 hivel=127\n"), std::string::npos) << sfz;
  const std::regex region("sample=(\\S+)");
  int regions = 0;
  for (auto it = std::sregex_iterator(sfz.begin(), sfz.end(), region); it != std::sregex_iterator(); ++it) {
    ++regions;
    EXPECT_TRUE(fs::is_regular_file(out / (*it)[1].str())) << (*it)[1].str();
  }
  EXPECT_EQ(regions, 4);
}

TEST(KitWriter, DrumkitXmlIsValidForHydrogen12Schema) {
  const fs::path xsd = "/usr/share/hydrogen/data/xsd/drumkit.xsd";
  if (!fs::exists(xsd)) GTEST_SKIP() << xsd << " missing (Debian package hydrogen-data, scripts/setup.sh)";
  if (test::run_command("command -v xmllint").exit_code != 0)
    GTEST_SKIP() << "xmllint missing (Debian package libxml2-utils, scripts/setup.sh)";
  test::ScratchDir dir("kit-xsd");
  kit::KitDescription k = small_kit();
  k.instruments[0].selection = kit::LayerSelection::round_robin;
  kit::write_kit(dir / "kit", k);
  const auto r = test::run_command("xmllint --noout --schema " + test::quote(xsd) + " " +
                                   test::quote(dir / "kit" / "drumkit.xml"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("validates"), std::string::npos) << r.output;
}

TEST(KitWriter, FlacSamplesAndRoundRobinSfz) {
  test::ScratchDir dir("kit-flac");
  kit::KitDescription k = small_kit();
  k.format = "flac";
  k.sample_format = "pcm16";
  for (auto& l : k.instruments[0].layers) l.min_velocity = 0.0f, l.max_velocity = 1.0f;
  k.instruments[0].selection = kit::LayerSelection::round_robin;
  k.instruments[0].layers[1].gain = 0.5f;
  kit::write_kit(dir / "kit", k);
  const Audio a = read_audio(dir / "kit" / "kick-2.flac");
  EXPECT_EQ(a.sample_rate, 22050);
  EXPECT_EQ(a.samples.size(), 2000u);
  const std::string sfz = read_file(dir / "kit" / "test_kit_co.sfz");
  EXPECT_NE(sfz.find("<region> sample=kick-1.flac lovel=1 hivel=127 seq_length=2 seq_position=1\n"),
            std::string::npos) << sfz;
  EXPECT_NE(sfz.find("<region> sample=kick-2.flac lovel=1 hivel=127 seq_length=2 seq_position=2 volume=-6.02\n"),
            std::string::npos) << sfz;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file((dir / "kit" / "drumkit.xml").c_str()));
  const auto inst = doc.child("drumkit_info").child("instrumentList").child("instrument");
  EXPECT_STREQ(inst.child_value("sampleSelectionAlgo"), "ROUND_ROBIN");
  EXPECT_STREQ(inst.child("instrumentComponent").last_child().child_value("gain"), "0.5");
}

TEST(KitWriter, RefusesAndLeavesNothingBehind) {
  test::ScratchDir dir("kit-refuse");
  // An existing, non-empty folder is left alone.
  fs::create_directories(dir / "full");
  write_file_atomically(dir / "full" / "mine.txt", "keep");
  expect_error([&] { kit::write_kit(dir / "full", small_kit()); }, "full: exists and is not empty");
  EXPECT_EQ(read_file(dir / "full" / "mine.txt"), "keep");
  EXPECT_EQ(entries(dir / "full"), std::set<std::string>{"mine.txt"});
  // A file in the way.
  write_file_atomically(dir / "file", "x");
  expect_error([&] { kit::write_kit(dir / "file", small_kit()); }, "file: exists and is not a folder");
  // Duplicate classes (also when only the case differs), empty ones.
  kit::KitDescription dup = small_kit();
  dup.instruments[1].name = "KICK";
  expect_error([&] { kit::write_kit(dir / "dup", dup); }, "duplicate instrument (class) name 'KICK'");
  dup.instruments[1].name = "Kick";
  expect_error([&] { kit::write_kit(dir / "dup", dup); }, "duplicate instrument (class) name 'Kick'");
  dup.instruments[1].name = "";
  expect_error([&] { kit::write_kit(dir / "dup", dup); }, "empty name");
  // Bad layers and names.
  kit::KitDescription bad = small_kit();
  bad.instruments[0].layers[0].max_velocity = 1.5f;
  expect_error([&] { kit::write_kit(dir / "bad", bad); }, "velocity range [0, 1.5] is not inside [0, 1]");
  bad = small_kit();
  bad.instruments[0].layers[0].file = "../escape.wav";
  expect_error([&] { kit::write_kit(dir / "bad", bad); }, "plain, non-hidden name");
  bad.instruments[0].layers[0].file = "kick one.wav";
  expect_error([&] { kit::write_kit(dir / "bad", bad); }, "plain, non-hidden name");
  bad.instruments[0].layers[0].file = ".kick.wav";
  expect_error([&] { kit::write_kit(dir / "bad", bad); }, "plain, non-hidden name");
  bad.instruments[0].layers[0].file = "drumkit.xml";
  expect_error([&] { kit::write_kit(dir / "bad", bad); }, "must end in .wav");
  bad = small_kit();
  bad.instruments[0].layers[0].file = "kick.flac";
  expect_error([&] { kit::write_kit(dir / "bad", bad); }, "must end in .wav");
  bad = small_kit();
  bad.name = "";
  expect_error([&] { kit::write_kit(dir / "bad", bad); }, "no name");
  bad = small_kit();
  bad.format = "mp3";
  expect_error([&] { kit::write_kit(dir / "bad", bad); }, "unknown sample file format 'mp3'");
  // A failure while writing (a NaN sample, found by the WAV writer): the temporary goes.
  bad = small_kit();
  bad.instruments[1].layers[1].audio[5] = std::nanf("");
  EXPECT_THROW(kit::write_kit(dir / "nan", bad), Error);
  EXPECT_EQ(entries(dir.path()), (std::set<std::string>{"full", "file"}));
  // An existing empty folder is fine (and replaced by the kit).
  fs::create_directories(dir / "empty");
  kit::write_kit(dir / "empty/", small_kit());
  EXPECT_TRUE(fs::is_regular_file(dir / "empty" / "drumkit.xml"));
  EXPECT_EQ(entries(dir.path()), (std::set<std::string>{"full", "file", "empty"}));
}

TEST(KitWriter, FileNamesAndNotes) {
  EXPECT_EQ(kit::safe_file_stem("Hi Hat/open?"), "hi_hat_open");
  EXPECT_EQ(kit::safe_file_stem("../..//"), "sound");
  EXPECT_EQ(kit::safe_file_stem("  Snäre 2 "), "sn_re_2");
  EXPECT_EQ(kit::gm_drum_note("kick"), 36);
  EXPECT_EQ(kit::gm_drum_note("snare"), 38);
  EXPECT_EQ(kit::gm_drum_note("clap"), 39);
  EXPECT_EQ(kit::gm_drum_note("hihat"), 42);
  EXPECT_EQ(kit::gm_drum_note("Open HiHat"), 46);
  EXPECT_EQ(kit::gm_drum_note("tom"), 45);
  EXPECT_EQ(kit::gm_drum_note("High Tom"), 50);
  EXPECT_EQ(kit::gm_drum_note("crash"), 49);
  EXPECT_EQ(kit::gm_drum_note("ride"), 51);
  EXPECT_EQ(kit::gm_drum_note("perc"), 60);
  EXPECT_EQ(kit::gm_drum_note("zap"), -1);
  // Unknown names and clashes get free keys from 60 up; an explicit note wins.
  std::vector<kit::KitInstrument> insts(5);
  insts[0].name = "zap";
  insts[1].name = "perc";
  insts[2].name = "kick";
  insts[3].name = "kick 2";
  insts[4].name = "x";
  insts[4].midi_note = 38;
  EXPECT_EQ(kit::instrument_notes(insts), (std::vector<int>{60, 61, 36, 62, 38}));
  EXPECT_EQ(kit::midi_velocity_range(0.0f, 1.0f), (std::pair<int, int>{1, 127}));
  EXPECT_EQ(kit::midi_velocity_range(1.0f / 3, 2.0f / 3), (std::pair<int, int>{43, 85}));
  EXPECT_EQ(kit::midi_velocity_range(2.0f / 3, 1.0f), (std::pair<int, int>{86, 127}));
  // Two classes whose names sanitise alike get distinct files.
  kit::KitDescription k = small_kit();
  k.instruments[1].name = "KICK!";
  kit::name_files(k);
  EXPECT_EQ(k.instruments[0].layers[0].file, "kick-1.wav");
  EXPECT_EQ(k.instruments[1].layers[0].file, "kick-2-1.wav");
}

TEST(KitSampler, LayersFromSeededEventsLoudnessNormalised) {
  test::FakeInstrument fake(1000, 16000, {"kick", "snare", "hihat"});
  kit::KitSampling s;
  s.layers = 3;
  s.seed = 42;
  s.temperature = 0.7f;
  const kit::KitDescription k = kit::sample_kit(fake, s);
  EXPECT_EQ(k.sample_rate, 16000);
  EXPECT_EQ(fake.calls.load(), 9);
  ASSERT_EQ(k.instruments.size(), 3u);
  EXPECT_NE(k.info.find("3 velocity layers"), std::string::npos) << k.info;
  for (std::size_t c = 0; c < 3; ++c) {
    const auto& inst = k.instruments[c];
    EXPECT_EQ(inst.name, fake.classes()[c]);
    EXPECT_EQ(inst.selection, kit::LayerSelection::velocity);
    ASSERT_EQ(inst.layers.size(), 3u);
    // The hits: the fake's events for the derived seeds, each scaled to the class's median
    // peak (the fake's peaks are equal within a class, so the scale is 1).
    std::set<std::vector<float>> expected;
    for (int h = 0; h < 3; ++h)
      expected.insert(fake.event(static_cast<int>(c), kit::hit_seed(42, inst.name, h), 0.7f));
    for (std::size_t l = 0; l < 3; ++l) {
      EXPECT_FLOAT_EQ(inst.layers[l].min_velocity, l / 3.0f);
      EXPECT_FLOAT_EQ(inst.layers[l].max_velocity, (l + 1) / 3.0f);
      EXPECT_EQ(inst.layers[l].gain, 1.0f);
      EXPECT_TRUE(inst.layers[l].file.empty());
      bool found = false;
      for (const auto& e : expected) {
        if (e.size() != inst.layers[l].audio.size()) continue;
        bool same = true;
        for (std::size_t i = 0; i < e.size() && same; ++i) same = std::abs(e[i] - inst.layers[l].audio[i]) < 1e-6f;
        found = found || same;
      }
      EXPECT_TRUE(found) << "class " << c << " layer " << l;
    }
  }
  // Deterministic; a class's hits do not depend on the others.
  kit::KitSampling one = s;
  one.classes = {"hihat"};
  const kit::KitDescription k1 = kit::sample_kit(fake, one), k2 = kit::sample_kit(fake, s);
  ASSERT_EQ(k1.instruments.size(), 1u);
  EXPECT_EQ(k1.instruments[0].layers[2].audio, k.instruments[2].layers[2].audio);
  EXPECT_EQ(k2.instruments[1].layers[0].audio, k.instruments[1].layers[0].audio);
  // Hits differ between layers (different seeds) and seeds.
  EXPECT_NE(kit::hit_seed(42, "kick", 0), kit::hit_seed(42, "kick", 1));
  EXPECT_NE(kit::hit_seed(42, "kick", 0), kit::hit_seed(43, "kick", 0));
  EXPECT_NE(kit::hit_seed(42, "kick", 0), kit::hit_seed(42, "snare", 0));
  // Writable as it is.
  test::ScratchDir dir("kit-sampled");
  kit::KitDescription named = k;
  named.name = "sampled";
  kit::write_kit(dir / "kit", named);
  EXPECT_EQ(load_hydrogen_kit(dir / "kit").instruments.size(), 3u);
}

// An instrument whose hits have very different peaks: softest to the lowest velocities,
// all at the median peak afterwards.
class LoudnessInstrument : public test::FakeInstrument {
 public:
  LoudnessInstrument() : FakeInstrument(800, 16000, {"kick"}) {}
  std::vector<float> sample_event(int c, uint64_t seed, float t) override {
    std::vector<float> e = FakeInstrument::sample_event(c, seed, t);
    const float scale = 0.2f + static_cast<float>(seed % 7);  // 0.2 .. 6.2: some clip-level
    for (float& v : e) v *= scale;
    peaks.push_back(scale);
    return e;
  }
  std::vector<float> peaks;
};

TEST(KitSampler, OrdersBySoftnessAndRoundRobin) {
  LoudnessInstrument inst;
  kit::KitSampling s;
  s.layers = 2;
  s.variations = 2;
  s.seed = 7;
  const kit::KitDescription k = kit::sample_kit(inst, s);
  ASSERT_EQ(k.instruments.size(), 1u);
  const auto& layers = k.instruments[0].layers;
  ASSERT_EQ(layers.size(), 4u);
  EXPECT_EQ(k.instruments[0].selection, kit::LayerSelection::round_robin);
  EXPECT_FLOAT_EQ(layers[0].max_velocity, 0.5f);
  EXPECT_FLOAT_EQ(layers[1].max_velocity, 0.5f);
  EXPECT_FLOAT_EQ(layers[2].min_velocity, 0.5f);
  EXPECT_FLOAT_EQ(layers[3].min_velocity, 0.5f);
  std::vector<float> raw = inst.peaks;
  std::sort(raw.begin(), raw.end());
  ASSERT_EQ(raw.size(), 4u);
  const float base = 0.25f + 0.2f * 1.0f;  // the fake's amplitude at temperature 1, class 0
  const float target = std::min(0.98f, base * 0.5f * (raw[1] + raw[2]));
  for (const auto& l : layers) {
    float p = 0;
    for (float v : l.audio) p = std::max(p, std::abs(v));
    EXPECT_NEAR(p, target, 1e-4f);
  }
  EXPECT_THROW(kit::sample_kit(inst, {.layers = 0}), Error);
  EXPECT_THROW(kit::sample_kit(inst, {.temperature = 0.0f}), Error);
  expect_error([&] { kit::sample_kit(inst, {.classes = {"snare"}}); }, "no class 'snare'");
}

}  // namespace
}  // namespace ngsynth
