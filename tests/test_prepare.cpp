// prepare on real Hydrogen kits and on generated class folders: classes, counts, the
// split's hash rule, conditioning of the events, rejections with reasons, and errors.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>

#include <nlohmann/json.hpp>

#include "dsp_test_util.h"
#include "ngsynth/audio/conditioning.h"
#include "ngsynth/data/prepare.h"
#include "ngsynth/data/sources.h"
#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

const std::vector<std::string> kDrumClasses = {"kick",  "snare", "hihat", "tom",
                                               "crash", "ride",  "clap",  "perc"};

std::vector<fs::path> two_small_kits() {
  return {test::drumkits_dir() / "HardElectro1", test::drumkits_dir() / "Audiophob"};
}

// Accepted events per class name, as [train, test].
std::map<std::string, std::array<int, 2>> counts(const Dataset& d) {
  std::map<std::string, std::array<int, 2>> c;
  for (const auto& e : d.entries) ++c[d.classes[e.class_index]][e.split == Split::test];
  return c;
}

const ManifestEntry& entry(const PrepareResult& r, const std::string& source) {
  for (const auto& m : r.manifest)
    if (m.source == source) return m;
  throw std::runtime_error("no manifest entry " + source);
}

// The Error message of prepare_dataset(sources), or "" when it succeeds.
std::string prepare_error(const std::vector<fs::path>& sources, PrepareOptions o = {}) {
  try {
    prepare_dataset(sources, o);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Prepare, TwoRealKitsGiveTheExpectedClassesAndCounts) {
  // HardElectro1: 3 kicks, snare, 2 claps, 7 hats, 2 zaps + FX. Audiophob: kick, stick,
  // 2 snares, clap, 3 toms, 3 hats, cowbell, ride, crash.
  const PrepareResult r = prepare_dataset(two_small_kits(), PrepareOptions{});
  EXPECT_EQ(r.manifest.size(), 30u);
  EXPECT_EQ(r.dataset.entries.size(), 30u);
  EXPECT_EQ(r.dataset.classes, kDrumClasses);
  const std::map<std::string, int> expected = {{"kick", 4},  {"snare", 3}, {"hihat", 10},
                                               {"tom", 3},   {"crash", 1}, {"ride", 1},
                                               {"clap", 3},  {"perc", 5}};
  for (const auto& [cls, n] : counts(r.dataset)) EXPECT_EQ(n[0] + n[1], expected.at(cls)) << cls;
  EXPECT_EQ(r.dataset.sample_rate, 16000);
  EXPECT_EQ(r.dataset.event_length, 11264);
  EXPECT_EQ(r.dataset.samples.size(), 30u * 11264);
  const ManifestEntry& kick = entry(r, "HardElectro1/HardHse_K_02.flac");
  EXPECT_EQ(kick.instrument, "Kick 1");
  EXPECT_EQ(kick.class_name, "kick");
  EXPECT_EQ(kick.root, (test::drumkits_dir() / "HardElectro1").string());
}

TEST(Prepare, EventsAreConditioned) {
  const PrepareResult r = prepare_dataset(two_small_kits(), PrepareOptions{});
  for (std::size_t i = 0; i < r.dataset.entries.size(); ++i) {
    const std::span<const float> ev(r.dataset.event(i), 11264);
    EXPECT_NEAR(peak_abs(ev), 0.9, 1e-5) << r.dataset.entries[i].source;  // normalised
    // Onset-aligned: the first sample within 30 dB of the peak sits at the 1 ms preroll
    // (16 samples), or earlier when the file starts on the hit (many real ones do).
    EXPECT_LE(find_onset(ev, -30.0, 0), 16u) << r.dataset.entries[i].source;
  }
}

TEST(Prepare, SplitIsDeterministicAndFollowsTheHashRule) {
  const PrepareResult a = prepare_dataset(two_small_kits(), PrepareOptions{});
  const PrepareResult b = prepare_dataset(two_small_kits(), PrepareOptions{});
  ASSERT_EQ(a.dataset.entries.size(), b.dataset.entries.size());
  for (std::size_t i = 0; i < a.dataset.entries.size(); ++i) {
    EXPECT_EQ(a.dataset.entries[i].source, b.dataset.entries[i].source);
    EXPECT_EQ(a.dataset.entries[i].split, b.dataset.entries[i].split);
    EXPECT_EQ(a.dataset.entries[i].split, split_for(a.dataset.entries[i].source, 0.1));
  }
  EXPECT_EQ(a.dataset.samples, b.dataset.samples);  // bit-identical events
  // Golden values: these change only if the hash rule changes, which would silently move
  // files between train and test for every existing dataset.
  std::vector<std::string> test_files;
  for (const auto& e : a.dataset.entries)
    if (e.split == Split::test) test_files.push_back(e.source);
  EXPECT_EQ(test_files, (std::vector<std::string>{
                            "HardElectro1/HardHse_K_03_B.flac", "HardElectro1/CHH_1.flac",
                            "HardElectro1/Hard_Hse_OHH_1.flac",
                            "Audiophob/124382__cubix__8bit-snare.wav",
                            "Audiophob/156272__dayvonjersen__fxshake5.wav"}));
}

TEST(Prepare, SplitFractionIsRespected) {
  // 20000 paths at 0.1: binomial sd 0.0021, tolerance 0.01 is ~5 sd.
  int test = 0;
  for (int i = 0; i < 20000; ++i) test += split_for("kit/" + std::to_string(i) + ".wav", 0.1) == Split::test;
  EXPECT_NEAR(test / 20000.0, 0.1, 0.01);
  EXPECT_EQ(split_for("anything", 0.0), Split::train);
}

TEST(Prepare, RelativePathsDoNotDependOnHowAKitIsReached) {
  const Source one = scan_source(test::drumkits_dir() / "HardElectro1");
  const Source all = scan_source(test::drumkits_dir());
  EXPECT_EQ(one.kind, SourceKind::hydrogen_kit);
  EXPECT_EQ(all.kind, SourceKind::kit_folder);
  for (const auto& f : one.files) {
    EXPECT_TRUE(f.relative.starts_with("HardElectro1/")) << f.relative;
    const bool found = std::any_of(all.files.begin(), all.files.end(),
                                   [&](const SourceFile& g) { return g.relative == f.relative; });
    EXPECT_TRUE(found) << f.relative;
  }
  // Unique sample references of hydrogen-drumkits' 14 kits; 102 more with hydrogen-data's
  // GMRockKit and TR808EmulationKit (Debian's hydrogen depends on it).
  const bool hydrogen_data = fs::exists(test::drumkits_dir() / "GMRockKit" / "drumkit.xml");
  EXPECT_EQ(all.files.size(), hydrogen_data ? 808u : 706u);
}

TEST(Prepare, FileReferencedTwiceCountsOnceAndSilenceIsRejected) {
  // Millo-Drums_v.1: 16 instruments share one silent emptySample.flac.
  const PrepareResult r =
      prepare_dataset({test::drumkits_dir() / "Millo-Drums_v.1"}, PrepareOptions{});
  EXPECT_EQ(r.manifest.size(), 17u);
  EXPECT_EQ(r.dataset.entries.size(), 16u);
  const ManifestEntry& empty = entry(r, "Millo-Drums_v.1/emptySample.flac");
  EXPECT_FALSE(empty.accepted);
  EXPECT_EQ(reason_category(empty.reason), "silent");
  EXPECT_EQ(empty.split, "");
}

// A class-folder library made of generated sounds, with one file of each kind of trouble.
class ClassFolders : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* d : {"kick/deep", "snare", "zz_empty_class", "hat"}) fs::create_directories(lib / d);
    test::write_test_wav(lib / "kick/k1.wav", test::hit(3200, 8000, 60.0, 16000), 16000);
    test::write_test_wav(lib / "kick/deep/k2.wav", test::hit(800, 20000, 50.0, 16000), 16000);
    // 44.1 kHz stereo: resampled and mixed down; onset at 0.1 s.
    const auto mono = test::hit(4410, 20000, 200.0, 44100, 0.05, 0.6);
    std::vector<float> stereo;
    for (float v : mono) stereo.insert(stereo.end(), {v, 0.5f * v});
    test::write_sound(lib / "snare/s1.WAV", stereo, 44100, 2, SF_FORMAT_WAV | SF_FORMAT_PCM_24);
    test::write_test_wav(lib / "snare/silent.wav", std::vector<float>(8000, 0.0f), 16000);
    std::vector<float> nan = test::hit(0, 4000, 300.0, 16000);
    nan[100] = std::numeric_limits<float>::quiet_NaN();
    test::write_sound(lib / "snare/nan.wav", nan, 16000, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    write_file_atomically(lib / "hat/zero.wav", "");
    write_file_atomically(lib / "hat/junk.flac", "not audio");
    write_file_atomically(lib / "hat/readme.txt", "not a sound: not listed");
    test::write_test_wav(lib / "loose.wav", test::hit(0, 1000, 100.0, 16000), 16000);
  }
  test::ScratchDir dir{"prepare"};
  fs::path lib = dir / "lib";
};

TEST_F(ClassFolders, GoodFilesAcceptedBadOnesRejectedWithReasons) {
  const PrepareResult r = prepare_dataset({lib}, PrepareOptions{});
  EXPECT_EQ(r.manifest.size(), 8u);  // readme.txt is not a sound file
  EXPECT_EQ(r.dataset.classes, (std::vector<std::string>{"kick", "snare"}));  // sorted; hat lost all
  EXPECT_EQ(r.dataset.entries.size(), 3u);
  const std::map<std::string, std::string> reasons = {
      {"snare/silent.wav", "silent"},   {"snare/nan.wav", "non-finite"},
      {"hat/zero.wav", "empty"},        {"hat/junk.flac", "unreadable"},
      {"loose.wav", "unclassified"}};
  for (const auto& [source, category] : reasons) {
    const ManifestEntry& m = entry(r, source);
    EXPECT_FALSE(m.accepted) << source;
    EXPECT_EQ(reason_category(m.reason), category) << source << ": " << m.reason;
  }
  EXPECT_TRUE(entry(r, "kick/deep/k2.wav").accepted);
  EXPECT_EQ(entry(r, "kick/deep/k2.wav").class_name, "kick");
  EXPECT_NE(entry(r, "snare/nan.wav").reason.find("frame 100"), std::string::npos);
}

TEST_F(ClassFolders, EventsAreAlignedOnTheirOnsetAfterResampling) {
  const PrepareResult r = prepare_dataset({lib}, PrepareOptions{});
  for (std::size_t i = 0; i < r.dataset.entries.size(); ++i) {
    const std::span<const float> ev(r.dataset.event(i), 11264);
    // The hits start at full level, so the onset is their first sample: after alignment it
    // sits at the 16-sample preroll, +-2 samples for the 44.1 kHz file (resampling).
    EXPECT_NEAR(static_cast<double>(find_onset(ev, -30.0, 0)), 16.0, 2.0)
        << r.dataset.entries[i].source;
    EXPECT_LT(peak_abs(ev.subspan(0, 10)), 0.9 * 0.0316) << r.dataset.entries[i].source;
    EXPECT_NEAR(peak_abs(ev), 0.9, 1e-5);
  }
}

TEST_F(ClassFolders, NoNormalizeKeepsTheLevel) {
  PrepareOptions o;
  o.normalize = false;
  const PrepareResult r = prepare_dataset({lib}, o);
  const auto& e = r.dataset.entries;
  const auto k1 = std::find_if(e.begin(), e.end(), [](auto& x) { return x.source == "kick/k1.wav"; });
  ASSERT_NE(k1, e.end());
  // Written at 0.8 peak (16-bit); the 50 Hz high-pass takes a little off the 60 Hz hit.
  const double peak = peak_abs(std::span<const float>(r.dataset.event(k1 - e.begin()), 11264));
  EXPECT_GT(peak, 0.5);
  EXPECT_LT(peak, 0.8);
}

TEST_F(ClassFolders, WrittenDatasetAndManifestAgree) {
  const PrepareResult r = prepare_dataset({lib}, PrepareOptions{});
  write_prepared(r, dir / "out.ngd");
  const Dataset d = load_dataset(dir / "out.ngd");
  EXPECT_EQ(d.samples, r.dataset.samples);
  const json m = json::parse(read_file(dir / "out.manifest.json"));
  EXPECT_EQ(m["files"].size(), 8u);
  EXPECT_EQ(m["summary"]["accepted"], 3);
  EXPECT_EQ(m["summary"]["rejected"], 5);
  EXPECT_EQ(m["summary"]["rejected_by_reason"]["unreadable"], 1);
  EXPECT_EQ(m["summary"]["per_class"]["kick"]["train"].get<int>() +
                m["summary"]["per_class"]["kick"]["test"].get<int>(),
            2);
  EXPECT_EQ(m["options"]["event_length"], 11264);
  EXPECT_EQ(m["classes"], json({"kick", "snare"}));
  for (const auto& f : m["files"])
    for (const char* key : {"root", "source", "class", "split", "accepted", "reason"})
      EXPECT_TRUE(f.contains(key)) << key;
}

TEST_F(ClassFolders, MixedWithAKitClassesMergeByNameInRulesOrder) {
  const PrepareResult r =
      prepare_dataset({lib, test::drumkits_dir() / "Audiophob"}, PrepareOptions{});
  EXPECT_EQ(r.dataset.classes, kDrumClasses);  // "kick", "snare" merged, rules order
  const auto c = counts(r.dataset);
  EXPECT_EQ(c.at("kick")[0] + c.at("kick")[1], 2 + 1);
  EXPECT_EQ(c.at("snare")[0] + c.at("snare")[1], 1 + 2);
}

TEST_F(ClassFolders, CustomRulesFileIsUsedForKits) {
  write_file_atomically(dir / "rules.json",
                        R"({"classes": ["skin", "metal"],
                            "rules": [{"class": "metal", "keywords": ["hh", "crash", "ride",
                                                                      "cowbell"]}],
                            "default": "skin", "ignore": ["stick"]})");
  PrepareOptions o;
  o.rules_path = dir / "rules.json";
  const PrepareResult r = prepare_dataset({test::drumkits_dir() / "Audiophob"}, o);
  EXPECT_EQ(r.dataset.classes, (std::vector<std::string>{"skin", "metal"}));
  EXPECT_EQ(r.dataset.entries.size(), 13u);  // 14 minus the ignored Stick
  EXPECT_EQ(counts(r.dataset).at("metal")[0] + counts(r.dataset).at("metal")[1], 6);
  o.rules_path = dir / "missing.json";
  EXPECT_NE(prepare_error({test::drumkits_dir() / "Audiophob"}, o).find("missing.json"),
            std::string::npos);
}

TEST(Prepare, SourceErrorsNameTheCulprit) {
  test::ScratchDir dir("prepare-err");
  const std::string missing = prepare_error({dir / "nope"});
  EXPECT_NE(missing.find((dir / "nope").string()), std::string::npos) << missing;
  EXPECT_NE(missing.find("no such"), std::string::npos) << missing;

  fs::create_directories(dir / "empty");
  const std::string empty = prepare_error({dir / "empty"});
  EXPECT_NE(empty.find((dir / "empty").string() + ": empty folder"), std::string::npos) << empty;

  fs::create_directories(dir / "noclass/sub");
  write_file_atomically(dir / "noclass/sub/notes.txt", "x");
  test::write_test_wav(dir / "noclass/loose.wav", test::hit(0, 1000, 100.0, 16000), 16000);
  const std::string noclass = prepare_error({dir / "noclass"});
  EXPECT_NE(noclass.find("no class found"), std::string::npos) << noclass;

  write_file_atomically(dir / "file.wav", "x");
  EXPECT_NE(prepare_error({dir / "file.wav"}).find("expected a folder"), std::string::npos);

  fs::create_directories(dir / "badkit");
  write_file_atomically(dir / "badkit/drumkit.xml", "<drumkit_info><instrumentList>");
  const std::string badkit = prepare_error({dir / "badkit"});
  EXPECT_NE(badkit.find("drumkit.xml"), std::string::npos) << badkit;
  EXPECT_NE(badkit.find("malformed XML"), std::string::npos) << badkit;
}

TEST(Prepare, NothingAcceptedIsAnError) {
  test::ScratchDir dir("prepare-none");
  fs::create_directories(dir / "lib/kick");
  test::write_test_wav(dir / "lib/kick/quiet.wav", std::vector<float>(1000, 1e-5f), 16000);
  const std::string msg = prepare_error({dir / "lib"});
  EXPECT_NE(msg.find("no sound accepted"), std::string::npos) << msg;
  EXPECT_NE(msg.find("1 silent"), std::string::npos) << msg;
}

TEST(Prepare, InvalidOptionsAreNamed) {
  PrepareOptions o;
  o.test_fraction = 1.5;
  EXPECT_NE(prepare_error(two_small_kits(), o).find("test_fraction"), std::string::npos);
  o = PrepareOptions{};
  o.highpass_hz = 9000;
  EXPECT_NE(prepare_error(two_small_kits(), o).find("highpass_hz"), std::string::npos);
}

// A kit that names files outside its folder (absolute, ../, a link out) or a FIFO: each is
// rejected with its reason, nothing outside is read, and prepare does not block.
class HostileKit : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(kit);
    test::write_test_wav(kit / "kick.wav", test::hit(0, 4000, 60.0, 16000), 16000);
    for (const char* f : {"secret.wav", "abs.wav", "linked.wav"})
      test::write_test_wav(dir / f, test::hit(0, 4000, 300.0, 16000), 16000);
    ASSERT_EQ(::mkfifo((kit / "fifo.wav").c_str(), 0600), 0);
    fs::create_symlink(dir / "linked.wav", kit / "link.wav");
    std::string instruments;
    for (const std::string& f : {std::string("kick.wav"), std::string("../secret.wav"),
                                 (dir / "abs.wav").string(), std::string("/dev/urandom"),
                                 std::string("fifo.wav"), std::string("link.wav"),
                                 std::string("sub/../kick.wav")})
      instruments += "<instrument><name>Kick " + std::to_string(instruments.size()) +
                     "</name><filename>" + f + "</filename></instrument>";
    write_file_atomically(kit / "drumkit.xml", "<drumkit_info><name>Hostile</name><instrumentList>" +
                                                   instruments + "</instrumentList></drumkit_info>");
  }
  test::ScratchDir dir{"prepare-hostile"};
  fs::path kit = dir / "kit";
};

TEST_F(HostileKit, OnlyRegularFilesInsideTheKitAreRead) {
  const PrepareResult r = prepare_dataset({kit}, PrepareOptions{});
  ASSERT_EQ(r.manifest.size(), 6u);  // sub/../kick.wav is kick.wav, counted once
  std::map<std::string, std::string> reasons;
  for (const auto& m : r.manifest) reasons[fs::path(m.path).lexically_normal().string()] = m.reason;
  EXPECT_EQ(reasons[(kit / "kick.wav").string()], "");
  EXPECT_EQ(reasons[(dir / "secret.wav").string()],
            "outside: kit file name '../secret.wav' leaves the kit folder; only files inside it are read");
  EXPECT_EQ(reasons[(dir / "abs.wav").string()],
            "outside: kit file name '" + (dir / "abs.wav").string() +
                "' leaves the kit folder; only files inside it are read");
  EXPECT_EQ(reasons["/dev/urandom"],
            "outside: kit file name '/dev/urandom' leaves the kit folder; only files inside it are read");
  EXPECT_EQ(reason_category(reasons[(kit / "link.wav").string()]), "outside");
  EXPECT_NE(reasons[(kit / "link.wav").string()].find("is a link to"), std::string::npos);
  EXPECT_EQ(reasons[(kit / "fifo.wav").string()],
            "unreadable: is a FIFO, not a regular file; only sound files are read");
  EXPECT_EQ(r.dataset.entries.size(), 1u);
}

// An instrument name with invalid UTF-8: the manifest is still written (the bytes become
// U+FFFD), and dataset and manifest are written together.
TEST(Prepare, InvalidUtf8NamesAreReplacedAndBothFilesAreWritten) {
  test::ScratchDir dir("prepare-utf8");
  fs::create_directories(dir / "kit");
  test::write_test_wav(dir / "kit/k\xff.wav", test::hit(0, 4000, 60.0, 16000), 16000);
  write_file_atomically(dir / "kit/drumkit.xml",
                        "<drumkit_info><name>K</name><instrumentList><instrument><name>Kick \xc3\x28"
                        "</name><filename>k\xff.wav</filename></instrument></instrumentList></drumkit_info>");
  const PrepareResult r = prepare_dataset({dir / "kit"}, PrepareOptions{});
  ASSERT_EQ(r.dataset.entries.size(), 1u);
  EXPECT_EQ(r.dataset.classes, (std::vector<std::string>{"kick"}));
  write_prepared(r, dir / "d.ngd");
  const json manifest = json::parse(read_file(dir / "d.manifest.json"));
  EXPECT_EQ(manifest["files"][0]["instrument"], "Kick \xef\xbf\xbd(");
  EXPECT_EQ(manifest["files"][0]["source"], "kit/k\xef\xbf\xbd.wav");
  EXPECT_EQ(load_dataset(dir / "d.ngd").entries.size(), 1u);
}

// When the second file cannot be written, the first is not left behind, and what was there
// before survives.
TEST(Prepare, DatasetAndManifestAreWrittenTogetherOrNotAtAll) {
  test::ScratchDir dir("prepare-both");
  const PrepareResult r = prepare_dataset({test::drumkits_dir() / "HardElectro1"}, PrepareOptions{});
  // A folder where the manifest should go makes its write fail.
  fs::create_directories(dir / "new.manifest.json");
  EXPECT_THROW(write_prepared(r, dir / "new.ngd"), Error);
  EXPECT_FALSE(fs::exists(dir / "new.ngd"));
  // An old pair is replaced as a pair.
  write_prepared(r, dir / "old.ngd");
  const std::string old_data = read_file(dir / "old.ngd");
  PrepareResult bad = r;
  bad.dataset.samples[3] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(write_prepared(bad, dir / "old.ngd"), Error);
  EXPECT_EQ(read_file(dir / "old.ngd"), old_data);
  EXPECT_TRUE(fs::exists(dir / "old.manifest.json"));
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << e.path();
}

}  // namespace
}  // namespace ngsynth
