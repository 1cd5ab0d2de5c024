// The demo's page description: the facts and the sections in the companion page's order,
// a section only for parts that hold something, rows kept together, and the whole written
// as a gallery.
#include <gtest/gtest.h>

#include "dsp_test_util.h"
#include "ngsynth/demo/demo_page.h"
#include "ngsynth/plot/canvas.h"
#include "ngsynth/util/atomic_file.h"
#include "test_support.h"

namespace ngsynth::demo {
namespace {
namespace fs = std::filesystem;

constexpr int kRate = 16000;

DemoRow row(const std::string& label, std::vector<std::string> captions, double hz = 200) {
  DemoRow r{label, {}};
  for (const auto& c : captions) {
    r.sounds.push_back({c, test::hit(100, 3000, hz, kRate), kRate, {}});
    hz *= 1.5;
  }
  return r;
}

std::vector<std::string> titles(const Gallery& g) {
  std::vector<std::string> t;
  for (const auto& s : g.sections) t.push_back(s.title);
  return t;
}

DemoContent full(const fs::path& map) {
  DemoContent c;
  c.model_name = "tiny.ngs";
  c.classes = {"kick", "snare"};
  c.command_line = "ngsynth demo --model tiny.ngs -o out";
  c.date = "2026-12-01 15:00 UTC";
  c.facts = {{"Sample rate", "16000 Hz"}};
  c.sampled = {row("kick", {"kick 1", "kick 2"}), row("snare", {"snare 1", "snare 2"})};
  c.reconstructions = {row("snare 3", {"input", "reconstruction"})};
  c.paths = {row("", {"linear path", "forward-backward path"})};
  c.resyntheses = {row("sine sweep", {"input", "resynthesis"}),
                   row("spoken phrase (espeak-ng)", {"input", "resynthesis"})};
  c.morphs = {row("kick to snare", {"kick", "middle", "snare"})};
  c.stretches = {row("snare 3", {"original", "stretched x2"})};
  c.blends = {row("kick and snare", {"kick", "snare", "blend"})};
  c.loops = {row("", {"loop"})};
  c.latent_map = map;
  c.fidelity = {"", {"class", "sampled accuracy"}, {{"kick", "0.95"}, {"snare", "0.90"}}};
  return c;
}

TEST(DemoPage, SectionsFollowTheCompanionPage) {
  test::ScratchDir dir("demo-page");
  Canvas(60, 40).save(dir / "map.png");
  const Gallery g = demo_gallery(full(dir / "map.png"));
  EXPECT_EQ(g.title, "ngsynth demo: tiny.ngs");
  EXPECT_EQ(titles(g), (std::vector<std::string>{
                           "Sampled events", "Reconstructions", "Latent paths",
                           "Resynthesis of other sounds", "Morphs between classes", "Time-stretch",
                           "Blend", "Drum-machine loop", "Latent map", "Class fidelity"}));
  using Fact = std::pair<std::string, std::string>;
  EXPECT_EQ(g.facts, (std::vector<Fact>{{"Model", "tiny.ngs"}, {"Classes", "kick, snare"},
                                        {"Command", "ngsynth demo --model tiny.ngs -o out"},
                                        {"Date", "2026-12-01 15:00 UTC"},
                                        {"Sample rate", "16000 Hz"}}));
  // Rows become groups, in order; an unlabelled row stays ungrouped.
  ASSERT_EQ(g.sections[0].sounds.size(), 4u);
  EXPECT_EQ(g.sections[0].sounds[1].group, "kick");
  EXPECT_EQ(g.sections[0].sounds[2].group, "snare");
  EXPECT_EQ(g.sections[0].sounds[2].caption, "snare 1");
  EXPECT_EQ(g.sections[2].sounds[0].group, "");
  EXPECT_EQ(g.sections[4].sounds.size(), 3u);
  for (const auto& s : g.sections) EXPECT_FALSE(s.text.empty()) << s.title;
  EXPECT_EQ(g.sections[8].images.at(0).file, dir / "map.png");
  EXPECT_EQ(g.sections[9].tables.at(0).rows.size(), 2u);

  // And it is a gallery write_gallery accepts.
  const GalleryFiles w = write_gallery(dir / "out", g);
  EXPECT_EQ(w.sounds.size(), 21u);  // 4 + 2 + 2 + 4 + 3 + 2 + 3 + 1
  EXPECT_EQ(w.images.size(), 1u);
  const std::string html = read_file(dir / "out" / "index.html");
  EXPECT_NE(html.find("<h3>spoken phrase (espeak-ng)</h3>"), std::string::npos);
}

TEST(DemoPage, EmptyPartsAreLeftOut) {
  DemoContent c;
  c.model_name = "m.ngs";
  c.title = "My page";
  c.sampled = {row("kick", {"kick 1"})};
  c.morphs = {DemoRow{"empty row", {}}};  // a row without sounds makes no section
  const Gallery g = demo_gallery(c);
  EXPECT_EQ(g.title, "My page");
  EXPECT_EQ(titles(g), std::vector<std::string>{"Sampled events"});
  EXPECT_EQ(g.facts.size(), 2u);  // model and a date of today
  EXPECT_EQ(g.facts[1].first, "Date");
  EXPECT_NE(g.facts[1].second.find(" UTC"), std::string::npos);
}

}  // namespace
}  // namespace ngsynth::demo
