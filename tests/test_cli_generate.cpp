// The generating subcommands of the real `ngsynth` program on a two-level model trained
// here on a real Hydrogen kit: sample, path, resynth, morph, stretch, blend, map, with
// exact lengths, determinism, and one-line errors for bad input.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "ngsynth/audio/audio_file.h"
#include "ngsynth/data/dataset.h"
#include "ngsynth/data/hydrogen_kit.h"
#include "ngsynth/model/model_file.h"
#include "ngsynth/train/checkpoint.h"
#include "ngsynth/util/atomic_file.h"
#include "test_support.h"
#include "child_process.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;
using test::cli;
using test::expect_cli_error;
using namespace std::chrono_literals;
std::string q(const fs::path& p) { return test::quote(p); }


class CliGenerateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::ScratchDir("cli-generate");
    kit_ = test::drumkits_dir() / "HardElectro1";
    for (const std::string& step :
         {" prepare " + q(kit_) + " -o " + q(out("he.ngd")),
          " train --data " + q(out("he.ngd")) + " -o " + q(out("grain")) + " --max-steps 6" + test::kTinyGrainArgs,
          " export " + q(out("grain")) + " -o " + q(out("grain.ngs")) + " --no-classifier",
          " train --stage temporal --model " + q(out("grain.ngs")) + " --data " +
              q(out("he.ngd")) + " -o " + q(out("event")) + " --max-steps 6" + test::kTinyEventArgs,
          " export " + q(out("event")) + " -o " + q(model()) + " --no-classifier"}) {
      const auto r = test::run_command(cli() + step);
      ASSERT_EQ(r.exit_code, 0) << step << "\n" << r.output;
    }
  }
  static void TearDownTestSuite() { delete dir_; }
  static fs::path model() { return dir_->path() / "he.ngs"; }
  static fs::path out(const std::string& name) { return dir_->path() / name; }
  static std::string run_ok(const std::string& args) {
    const auto r = test::run_command(cli() + " " + args);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.output;
    return r.output;
  }
  static std::size_t frames(const fs::path& wav) { return read_audio(wav).samples.size(); }

  static test::ScratchDir* dir_;
  static fs::path kit_;
};
test::ScratchDir* CliGenerateTest::dir_ = nullptr;
fs::path CliGenerateTest::kit_;

TEST_F(CliGenerateTest, EvalReportsClassFidelityOfSamples) {
  run_ok("train --stage classifier --data " + q(out("he.ngd")) + " -o " + q(out("judge.ngk")) +
         test::kTinyClassifierArgs);
  const std::string text = run_ok("eval --model " + q(model()) + " --data " + q(out("he.ngd")) +
                                  " --classifier " + q(out("judge.ngk")) + " --samples 3 " +
                                  "--prior mixture -t 0.5 --json " + q(out("fid.json")));
  EXPECT_NE(text.find("mixture prior"), std::string::npos) << text;
  std::ifstream in(out("fid.json"));
  const auto j = nlohmann::json::parse(in);
  const auto& f = j["fidelity"];
  EXPECT_EQ(f["prior"], "mixture");
  EXPECT_EQ(f["samples_per_class"], 3);
  EXPECT_DOUBLE_EQ(f["temperature"].get<double>(), 0.5);
  const int classes = static_cast<int>(load_model(model()).info.classes.size());
  EXPECT_EQ(f["overall"]["sampled_events"].get<int>(), 3 * classes);
  EXPECT_TRUE(f["overall"]["sampled_accuracy"].is_number());
  EXPECT_TRUE(f["overall"]["sampled_levels"]["rms_db"].is_number());
  expect_cli_error("eval --model " + q(model()) + " --data " + q(out("he.ngd")) +
                       " --classifier " + q(out("he.ngd")),
                   "he.ngd");
}

// The grain level trained further must not be paired with an event level trained on the
// old one: resuming the event run on the new grain model is refused, on its own works, and
// the exported model holds the grain level the event level was trained on.
TEST_F(CliGenerateTest, EventRunResumesOnlyOnItsOwnGrainLevel) {
  run_ok("train --data " + q(out("he.ngd")) + " -o " + q(out("grain")) +
         " --resume --max-steps 8 --threads 1 -q");
  run_ok("export " + q(out("grain")) + " -o " + q(out("grain8.ngs")) + " --no-classifier");
  const std::string resume = "train --stage temporal --data " + q(out("he.ngd")) + " -o " +
                             q(out("event")) + " --resume --max-steps 8 --threads 1 -q --judge-samples 0";
  expect_cli_error(resume + " --model " + q(out("grain8.ngs")),
                   "its event level was trained on another grain level than");
  run_ok(resume + " --model " + q(out("grain.ngs")));
  run_ok("export " + q(out("event")) + " -o " + q(out("he8.ngs")) + " --no-classifier");
  Model grain6 = load_model(out("grain.ngs")), grain8 = load_model(out("grain8.ngs")),
        paired = load_model(out("he8.ngs"));
  EXPECT_NE(weights_fingerprint(*grain6.vae), weights_fingerprint(*grain8.vae));
  EXPECT_EQ(weights_fingerprint(*paired.vae), weights_fingerprint(*grain6.vae));
  expect_cli_error("train --data " + q(out("he.ngd")) + " -o " + q(out("grain")) +
                       " --resume --max-steps 9 -q --model " + q(out("grain.ngs")),
                   "is a grain run");
}

// `ngsynth kit`: a Hydrogen kit with velocity layers and an SFZ file, the same for a seed,
// read back as a kit by ngsynth's own importer with every class found again.
TEST_F(CliGenerateTest, KitWritesAHydrogenKitThatReadsBack) {
  Model m = load_model(model());
  const std::string kit = "kit --model " + q(model()) + " --layers 2 --seed 3 --name tiny -o ";
  run_ok(kit + q(out("k1")));
  run_ok(kit + q(out("k2")));
  const HydrogenKit h = load_hydrogen_kit(out("k1"));
  EXPECT_EQ(h.name, "tiny");
  ASSERT_EQ(h.instruments.size(), m.info.classes.size());
  for (std::size_t c = 0; c < h.instruments.size(); ++c) {
    EXPECT_EQ(h.instruments[c].name, m.info.classes[c]);
    ASSERT_EQ(h.instruments[c].samples.size(), 2u) << h.instruments[c].name;
    for (const auto& f : h.instruments[c].samples) {
      EXPECT_EQ(frames(f), std::size_t(m.info.grain.event_length())) << f;
      EXPECT_EQ(read_file(f), read_file(out("k2") / f.filename())) << f;
    }
  }
  EXPECT_TRUE(fs::exists(out("k1") / "tiny.sfz"));
  EXPECT_EQ(read_file(out("k1") / "drumkit.xml"), read_file(out("k2") / "drumkit.xml"));
  run_ok("prepare " + q(out("k1")) + " -o " + q(out("k1.ngd")));
  EXPECT_EQ(load_dataset(out("k1.ngd")).classes.size(), m.info.classes.size());
  expect_cli_error(kit + q(out("k1")), "k1");  // not empty: never overwritten
  expect_cli_error("kit --model " + q(out("he.ngd")) + " -o " + q(out("k3")), "he.ngd");
  EXPECT_FALSE(fs::exists(out("k3")));
}

// `ngsynth demo` on the tiny model: every section of the gallery, every file the page
// names exists, and the page renders in headless Chromium without an error.
TEST_F(CliGenerateTest, DemoWritesAGalleryThatRendersInChromium) {
  Model m = load_model(model());
  const std::string r = run_ok("demo --model " + q(model()) + " --data " + q(out("he.ngd")) +
                               " --samples 2 --sound " + q(kit_ / "CHH_1.flac") + " -o " +
                               q(out("gallery")));
  EXPECT_NE(r.find("index.html"), std::string::npos) << r;
  const std::string html = read_file(out("gallery") / "index.html");
  for (const char* section : {"Sampled", "Reconstruction", "path", "Resynthes", "Morph",
                              "stretch", "Blend", "loop", "map"})
    EXPECT_NE(html.find(section), std::string::npos) << section;
  EXPECT_NE(html.find("CHH_1.flac"), std::string::npos);
  std::size_t files = 0;
  for (const std::string attr : {"src", "href"}) {
    const std::regex re("\\s" + attr + "=\"([^\"#][^\"]*)\"");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), re); it != std::sregex_iterator(); ++it, ++files)
      EXPECT_TRUE(fs::exists(out("gallery") / (*it)[1].str())) << (*it)[1];
  }
  // Per class 2 hits, plus the other sections: each sound a WAV and its spectrogram.
  EXPECT_GT(files, 2 * 2 * m.info.classes.size());
  const fs::path web = fs::path(NGSYNTH_SOURCE_DIR) / "tests" / "web";
  if (fs::exists("/usr/bin/chromium") && fs::exists(web / "node_modules" / "puppeteer-core")) {
    const fs::path shots = fs::current_path() / "test-artifacts";
    fs::create_directories(shots);
    const auto c = test::run_command("node " + q(web / "gallery_test.mjs") + " " +
                                     q(out("gallery") / "index.html") + " " +
                                     q(shots / "demo_page.png"));
    EXPECT_EQ(c.exit_code, 0) << c.output;
  } else {
    ADD_FAILURE() << "chromium or puppeteer-core missing: run scripts/setup.sh";
  }
  expect_cli_error("demo --model " + q(out("he.ngd")) + " -o " + q(out("g2")), "he.ngd");
  expect_cli_error("demo --model " + q(model()) + " -o " + q(out("gallery")), "gallery");
  EXPECT_FALSE(fs::exists(out("g2")));
}

TEST_F(CliGenerateTest, SampleWritesEventsPerClassDeterministically) {
  Model m = load_model(model());
  ASSERT_TRUE(m.has_event());
  const std::string cls = m.info.classes.at(0);
  run_ok("sample --model " + q(model()) + " --class " + cls + " -n 3 --seed 5 -o " + q(out("s1")));
  run_ok("sample --model " + q(model()) + " --class " + cls + " -n 3 --seed 5 -o " + q(out("s2")));
  for (int i = 0; i < 3; ++i) {
    const std::string name = cls + "_00" + std::to_string(i) + ".wav";
    EXPECT_EQ(frames(out("s1") / name), std::size_t(m.info.grain.event_length()));
    EXPECT_EQ(read_file(out("s1") / name), read_file(out("s2") / name)) << name;
  }
  EXPECT_NE(read_file(out("s1") / (cls + "_000.wav")), read_file(out("s1") / (cls + "_001.wav")));
  // Without --class every class is sampled.
  run_ok("sample --model " + q(model()) + " -n 1 -o " + q(out("all")));
  for (const auto& c : m.info.classes) EXPECT_TRUE(fs::exists(out("all") / (c + "_000.wav"))) << c;
  expect_cli_error("sample --model " + q(model()) + " --class cowbell -o " + q(out("s3")),
                   "unknown class 'cowbell' (valid: " + cls);
  expect_cli_error("sample --model " + q(out("grain.ngs")) + " -o " + q(out("s4")),
                   "--stage temporal");
}

TEST_F(CliGenerateTest, ExportRewritesAModelFileWithFloat16Weights) {
  run_ok("export " + q(model()) + " -o " + q(out("half.ngs")) + " --half");
  EXPECT_LT(fs::file_size(out("half.ngs")), fs::file_size(model()) * 6 / 10);
  Model m = load_model(out("half.ngs"));
  ASSERT_TRUE(m.has_event());
  EXPECT_EQ(m.info.classes, load_model(model()).info.classes);
  run_ok("sample --model " + q(out("half.ngs")) + " -n 2 --seed 3 -o " + q(out("half-hits")));
  run_ok("sample --model " + q(model()) + " -n 2 --seed 3 -o " + q(out("full-hits")));
  const std::string name = m.info.classes.at(0) + "_001.wav";
  const auto a = read_audio(out("half-hits") / name).samples, b = read_audio(out("full-hits") / name).samples;
  ASSERT_EQ(a.size(), b.size());
  double diff = 0, energy = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff += (a[i] - b[i]) * (a[i] - b[i]), energy += b[i] * b[i];
  EXPECT_GT(diff, 0.0);              // rounded weights ...
  EXPECT_LT(diff, 1e-4 * energy);    // ... that still make the same hit
  // Re-writing a model over itself, or with a run's options, is refused; nothing is lost.
  const std::string before = read_file(model());
  expect_cli_error("export " + q(model()) + " -o " + q(model()) + " --half", "choose another output");
  expect_cli_error("export " + q(model()) + " -o " + q(out("x.ngs")) + " --last", "--last");
  EXPECT_EQ(read_file(model()), before);
  EXPECT_FALSE(fs::exists(out("x.ngs")));
}

TEST_F(CliGenerateTest, PathsHaveExactLengthsAndFileErrorsNameTheLine) {
  const fs::path kick = kit_ / "PowR_BD_1.flac", hat = kit_ / "CHH_1.flac";
  run_ok("path --model " + q(model()) + " --from " + q(kick) + " --to " + q(hat) +
         " --seconds 1.5 -o " + q(out("line.wav")));
  EXPECT_EQ(frames(out("line.wav")), 24000u);
  run_ok("path --model " + q(model()) + " --from=-1,0.5 --to=2,0 --loop forward-backward"
         " --random-step --pass-seconds 0.25 --seconds 2.345 -o " + q(out("loop.wav")));
  EXPECT_EQ(frames(out("loop.wav")), 37520u);
  run_ok("path --model " + q(model()) + " --seconds 0.5 --seed 3 -o " + q(out("r1.wav")));
  run_ok("path --model " + q(model()) + " --seconds 0.5 --seed 3 -o " + q(out("r2.wav")));
  EXPECT_EQ(read_file(out("r1.wav")), read_file(out("r2.wav")));

  write_file_atomically(out("p.csv"), "# x, y\n0,0\n1,1\n\n-1,0.5\n");
  run_ok("path --model " + q(model()) + " --file " + q(out("p.csv")) + " -o " + q(out("p.wav")));
  Model m = load_model(model());
  EXPECT_EQ(frames(out("p.wav")), std::size_t(2 * m.info.grain.hop + m.info.grain.grain));
  run_ok("path --model " + q(model()) + " --file " + q(out("p.csv")) + " --seconds 1 -o " +
         q(out("p1.wav")));
  EXPECT_EQ(frames(out("p1.wav")), 16000u);

  write_file_atomically(out("bad.csv"), "0,0\n1,1\n1,2,3\n");
  expect_cli_error("path --model " + q(model()) + " --file " + q(out("bad.csv")) + " -o " +
                   q(out("x.wav")), "bad.csv:3");
  write_file_atomically(out("bad.json"), "[[0, 0],\n [1, 1],\n [2, \"a\"]]\n");
  expect_cli_error("path --model " + q(model()) + " --file " + q(out("bad.json")) + " -o " +
                   q(out("x.wav")), "bad.json:3");
  EXPECT_FALSE(fs::exists(out("x.wav")));
  expect_cli_error("path --model " + q(model()) + " --from nowhere.wav -o " + q(out("x.wav")),
                   "nowhere.wav");

  // Runaway work is refused before it starts: --max-seconds (default 600) bounds what is
  // read and what is made.
  expect_cli_error("path --model " + q(model()) + " --seconds 2 --max-seconds 1 -o " + q(out("x.wav")),
                   "path: would make 2.0 s of audio, more than --max-seconds 1");
  std::string many;
  for (int i = 0; i < 2500; ++i) many += "0,0\n";
  write_file_atomically(out("many.csv"), many);
  expect_cli_error("path --model " + q(model()) + " --file " + q(out("many.csv")) +
                       " --max-seconds 10 -o " + q(out("x.wav")),
                   "many.csv (2500 keyframes): would make 40.0 s of audio, more than --max-seconds 10");
  expect_cli_error("resynth --model " + q(model()) + " " + q(kick) + " --max-seconds 0.1 -o " +
                       q(out("x.wav")),
                   "more than the limit of 0.1 s (--max-seconds raises it)");
  EXPECT_FALSE(fs::exists(out("x.wav")));
}

TEST_F(CliGenerateTest, ResynthStretchBlendMorphAndMap) {
  const fs::path kick = kit_ / "PowR_BD_1.flac", snare = kit_ / "PowR_SN_1.flac";
  Model m = load_model(model());
  const std::string cls = m.info.classes.back();
  run_ok("resynth --model " + q(model()) + " " + q(snare) + " --class " + cls + " --format float -o " +
         q(out("res.wav")));
  const Audio in = read_audio(snare);
  const auto expected = double(in.samples.size()) * 16000 / in.sample_rate;
  EXPECT_NEAR(double(frames(out("res.wav"))), expected, 2.0);

  run_ok("stretch --model " + q(model()) + " " + q(out("res.wav")) + " --factor 2.5 -o " +
         q(out("st.wav")));
  EXPECT_EQ(frames(out("st.wav")), std::size_t(std::llround(frames(out("res.wav")) * 2.5)));

  run_ok("blend --model " + q(model()) + " " + q(kick) + " " + q(snare) + " --crossfade -o " +
         q(out("bl.wav")));
  EXPECT_NEAR(double(frames(out("bl.wav"))),
              double(read_audio(kick).samples.size()) * 16000 / read_audio(kick).sample_rate, 2.0);
  expect_cli_error("blend --model " + q(model()) + " " + q(kick) + " " + q(snare) +
                   " --mix 0.5 --crossfade -o " + q(out("bl2.wav")), "excludes");

  run_ok("morph --model " + q(model()) + " " + q(kick) + " " + q(snare) + " --steps 3 -o " +
         q(out("morph")));
  for (const char* f : {"morph_00.wav", "morph_01.wav", "morph_02.wav"})
    EXPECT_EQ(frames(out("morph") / f), std::size_t(m.info.grain.event_length())) << f;
  run_ok("morph --model " + q(model()) + " --from-class " + m.info.classes.front() +
         " --to-class " + cls + " -o " + q(out("morph2")));
  EXPECT_TRUE(fs::exists(out("morph2") / "morph_04.wav"));
  expect_cli_error("morph --model " + q(model()) + " " + q(kick) + " -o " + q(out("m3")),
                   "two sound files");

  const std::string map_out = run_ok("map --model " + q(model()) + " -o " + q(out("map.png")));
  EXPECT_NE(map_out.find("PC1"), std::string::npos) << map_out;
  EXPECT_GT(fs::file_size(out("map.png")), 2000u);
  run_ok("map --model " + q(model()) + " -o " + q(out("map.svg")));
  std::ifstream svg(out("map.svg"));
  std::string text((std::istreambuf_iterator<char>(svg)), {});
  // Cairo writes text as glyph outlines, so the class names are not in the SVG as text
  // (test_map_plot checks the legend); here: an SVG of the map's size.
  EXPECT_EQ(text.rfind("<?xml", 0), 0u);
  EXPECT_NE(text.find("<svg"), std::string::npos);
  EXPECT_NE(text.find("width=\"900px\" height=\"700px\""), std::string::npos);
  expect_cli_error("map --model " + q(model()) + " -o " + q(out("map.bmp")), "map.bmp");
}

TEST_F(CliGenerateTest, DrumsRendersAPatternOfExactLength) {
  run_ok("drums --model " + q(model()) + " --write-pattern " + q(out("beat.json")));
  ASSERT_TRUE(fs::exists(out("beat.json")));
  Model m = load_model(model());
  const std::string cls = m.info.classes.front();
  write_file_atomically(out("p.json"), "{\"tempo\": 150, \"swing\": 0.2, \"tracks\": [{\"class\": \"" +
                                           cls + "\", \"steps\": \"x...x...x...x...\"}]}");
  run_ok("drums --model " + q(model()) + " " + q(out("p.json")) + " --loops 3 -o " + q(out("loop.wav")));
  // 3 loops of 16 sixteenths at 150 BPM, 16 kHz: 3 * 16 * 1600 frames.
  EXPECT_EQ(frames(out("loop.wav")), 3u * 16 * 1600);
  // One swung hit on step 9 (odd): it starts at llround((9 + 0.2 / 2) * 1600) = 14560,
  // sample-exactly: silence before, sound from there.
  write_file_atomically(out("one.json"), "{\"tempo\": 150, \"swing\": 0.2, \"tracks\": [{\"class\": \"" +
                                             cls + "\", \"steps\": \".........x......\"}]}");
  run_ok("drums --model " + q(model()) + " " + q(out("one.json")) + " --tail cut -o " +
         q(out("one.wav")) + " --format float");
  const Audio a = read_audio(out("one.wav"));
  ASSERT_EQ(a.samples.size(), 16u * 1600);
  float before = 0, after = 0;
  for (std::size_t t = 0; t < 14560; ++t) before = std::max(before, std::abs(a.samples[t]));
  for (std::size_t t = 14560; t < 14560 + 64; ++t) after = std::max(after, std::abs(a.samples[t]));
  EXPECT_EQ(before, 0.0f);
  EXPECT_GT(after, 0.0f);
  expect_cli_error("drums --model " + q(model()) + " " + q(out("beat.json")) + " --loops 0 -o " +
                   q(out("x.wav")), "loops");
  write_file_atomically(out("bad.json"), "{\"tempo\": 5}");
  expect_cli_error("drums --model " + q(model()) + " " + q(out("bad.json")) + " -o " +
                   q(out("x.wav")), "tempo");
}

// `ngsynth serve` as a real program, driven by liblo's oscsend; replies read by oscdump.
TEST_F(CliGenerateTest, ServeAnswersOscsendAndWritesTrackBuffers) {
  Model m = load_model(model());
  const std::string cls = m.info.classes.front();
  const int port = test::free_udp_port(), dump_port = test::free_udp_port();
  fs::create_directories(out("served"));
  write_file_atomically(out("served/mine.wav"), "a user's file");
  test::Child server({NGSYNTH_CLI, "serve", "--model", model().string(), "--osc",
                      std::to_string(port), "--write-dir", out("served").string()},
                     out("serve.log"));
  ASSERT_TRUE(server.ok());
  for (int i = 0; i < 400 && test::slurp(out("serve.log")).find("OSC on") == std::string::npos; ++i)
    std::this_thread::sleep_for(50ms);
  ASSERT_NE(test::slurp(out("serve.log")).find("osc.udp://127.0.0.1:" + std::to_string(port)),
            std::string::npos) << test::slurp(out("serve.log"));
  test::Child dump({"oscdump", "-L", std::to_string(dump_port)}, out("dump.txt"));
  auto send = [&](const std::string& args) {
    const auto r = test::run_command("oscsend 127.0.0.1 " + std::to_string(port) + " " + args);
    EXPECT_EQ(r.exit_code, 0) << args << r.output;
  };
  auto wait_for = [&](const std::string& needle) {
    for (int i = 0; i < 200; ++i) {
      if (test::slurp(out("dump.txt")).find(needle) != std::string::npos) return true;
      std::this_thread::sleep_for(50ms);
      if (i % 20 == 0) send("/reply_to i " + std::to_string(dump_port));
    }
    return false;
  };
  send("/reply_to i " + std::to_string(dump_port));
  ASSERT_TRUE(wait_for("/ok")) << test::slurp(out("dump.txt"));
  send("/sample_note si " + cls + " 5");
  EXPECT_NE(test::slurp(out("serve.log")).find("/write into " + fs::canonical(out("served")).string()),
            std::string::npos) << test::slurp(out("serve.log"));
  send("/write ss " + cls + " track.wav");
  ASSERT_TRUE(wait_for("write")) << test::slurp(out("dump.txt"));
  EXPECT_EQ(frames(out("served/track.wav")), std::size_t(m.info.grain.event_length()));
  // Nothing outside the folder, nothing the server did not write.
  send("/write ss " + cls + " " + out("outside.wav").string());
  send("/write ss " + cls + " ../outside.wav");
  send("/write ss " + cls + " mine.wav");
  EXPECT_TRUE(wait_for("refusing to replace it")) << test::slurp(out("dump.txt"));
  EXPECT_FALSE(fs::exists(out("outside.wav")));
  EXPECT_EQ(read_file(out("served/mine.wav")), "a user's file");
  send("/stream ff 0.5 0.25");  // the XY pad: a grain stream of the model
  EXPECT_TRUE(wait_for("\"stream\"")) << test::slurp(out("dump.txt"));
  bool streamed = false;
  for (const auto& line : test::dump_lines(out("dump.txt")))
    streamed |= line.path == "/ok" && !line.args.empty() && line.args[0] == "\"stream\"";
  EXPECT_TRUE(streamed) << test::slurp(out("dump.txt"));
  send("/stream_stop");
  EXPECT_TRUE(wait_for("stream_stop")) << test::slurp(out("dump.txt"));
  send("/sample_note s cowbell");
  EXPECT_TRUE(wait_for("/error")) << test::slurp(out("dump.txt"));
  send("/ping");
  EXPECT_TRUE(wait_for("ping")) << test::slurp(out("dump.txt"));
}

// `ngsynth serve --jack` against jackd's dummy driver at 48 kHz (the model is 16 kHz, so
// the output is resampled): the drum machine plays, the engine's frames advance, hits start.
TEST_F(CliGenerateTest, ServePlaysTheDrumMachineThroughJack) {
  const std::string name = "ngsynth-cli-" + std::to_string(::getpid());
  test::Child jackd({"jackd", "-n", name, "--no-realtime", "-d", "dummy", "-r", "48000", "-p", "512"},
                    out("jackd.log"));
  ASSERT_TRUE(jackd.ok());
  const int port = test::free_udp_port(), dump_port = test::free_udp_port();
  std::unique_ptr<test::Child> server;
  std::string log;
  for (int attempt = 0; attempt < 40; ++attempt) {  // until jackd accepts clients
    server = std::make_unique<test::Child>(
        std::vector<std::string>{NGSYNTH_CLI, "serve", "--model", model().string(), "--osc",
                                 std::to_string(port), "--jack", "--jack-server", name, "--play"},
        out("serve-jack.log"));
    for (int i = 0; i < 200; ++i) {
      log = test::slurp(out("serve-jack.log"));
      if (log.find("OSC on") != std::string::npos || log.find("error") != std::string::npos) break;
      std::this_thread::sleep_for(50ms);
    }
    if (log.find("OSC on") != std::string::npos) break;
    server.reset();
    std::this_thread::sleep_for(250ms);
  }
  ASSERT_NE(log.find("at 48000 Hz (resampled from 16000 Hz)"), std::string::npos) << log;
  test::Child dump({"oscdump", "-L", std::to_string(dump_port)}, out("dump-jack.txt"));
  auto status = [&]() -> std::vector<std::string> {
    test::run_command("oscsend 127.0.0.1 " + std::to_string(port) + " /reply_to i " + std::to_string(dump_port));
    const auto before = test::dump_lines(out("dump-jack.txt")).size();
    test::run_command("oscsend 127.0.0.1 " + std::to_string(port) + " /status");
    for (int i = 0; i < 100; ++i) {
      const auto lines = test::dump_lines(out("dump-jack.txt"));
      for (std::size_t k = before; k < lines.size(); ++k)
        if (lines[k].path == "/ok" && !lines[k].args.empty() && lines[k].args[0] == "\"status\"")
          return lines[k].args;
      std::this_thread::sleep_for(50ms);
    }
    return {};
  };
  const auto first = status();
  ASSERT_GE(first.size(), 8u) << test::slurp(out("dump-jack.txt"));
  std::this_thread::sleep_for(1s);
  const auto second = status();
  ASSERT_GE(second.size(), 8u) << test::slurp(out("dump-jack.txt"));
  EXPECT_EQ(second[1], "1");                                   // playing
  EXPECT_GT(std::stoll(second[5]), std::stoll(first[5]) + 8000);  // engine frames advanced
  EXPECT_GT(std::stoll(second[7]), 0);                         // hits started
}

}  // namespace
}  // namespace ngsynth
