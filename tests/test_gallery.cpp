// The demo gallery: a description of a few sections of synthetic sounds (sines, noise,
// clicks), a picture and a table becomes a folder whose page references exactly the files
// it holds, shows every sound with a spectrogram beside its player, escapes what the caller
// wrote, refuses a non-empty folder, and renders in headless Chromium without errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>

#include "dsp_test_util.h"
#include "ngsynth/audio/audio_file.h"
#include "ngsynth/demo/gallery.h"
#include "ngsynth/plot/canvas.h"
#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "test_support.h"

namespace ngsynth::demo {
namespace {
namespace fs = std::filesystem;

constexpr int kRate = 16000;
const std::string kNasty = "<script>alert(\"x\")</script> & 'more'";

std::vector<float> noise(std::size_t n, float amplitude, uint32_t seed) {
  std::vector<float> x(n);
  for (float& v : x) {
    seed = seed * 1664525u + 1013904223u;
    v = amplitude * static_cast<float>((seed >> 8) / 8388608.0 - 1.0);
  }
  return x;
}

std::vector<float> clicks(std::size_t n, std::size_t every) {
  std::vector<float> x(n, 0.0f);
  for (std::size_t i = 0; i < n; i += every) x[i] = 0.9f;
  return x;
}

// A description shaped like the demo's: events, input/output pairs, a picture, a table.
Gallery sample_gallery(const fs::path& scratch) {
  Gallery g;
  g.title = "ngsynth demo: tiny & synthetic";
  g.intro = "A gallery of synthetic sounds.\n\nSecond paragraph with " + kNasty;
  g.facts = {{"Model", "tiny.ngs"}, {"Classes", "kick, snare"}, {"Command", "ngsynth demo -o DIR"},
             {"Date", utc_date_time()}};
  g.spectrogram.height = 120;

  GallerySection events{"Sampled events", "Hits drawn from each class.", {}, {}, {}};
  events.add("kick 1", test::hit(200, 8000, 60, kRate), kRate);
  events.add("snare 1", noise(6000, 0.4f, 7), kRate, "heard as: snare");
  events.add(kNasty, test::sine(440, 4000, kRate), kRate, kNasty);
  g.sections.push_back(events);

  GallerySection rec{"Reconstructions", "Each test sound beside its reconstruction.", {}, {}, {}};
  // 1 s each: two 600 px pictures, too wide for one line of the 1280 px browser window
  // unless the page keeps pairs together.
  rec.add_pair("snare 2", "input", noise(16000, 0.5f, 3), kRate, "reconstruction",
               noise(16000, 0.3f, 4), kRate);
  rec.add_pair("clicks", "input", clicks(11025, 2205), 22050, "output", clicks(8000, 1600), kRate);
  g.sections.push_back(rec);

  Canvas map(200, 150, {20, 20, 30});
  map.fill_circle(100, 75, 30, {250, 200, 50});
  map.save(scratch / "map.png");
  write_file_atomically(scratch / "map.svg",
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\">"
                        "<rect width=\"40\" height=\"20\" fill=\"teal\"/></svg>\n");
  GallerySection pictures{"Latent map", "The grain space.", {}, {}, {}};
  pictures.images = {{scratch / "map.png", "latent map"}, {scratch / "map.svg", ""}};
  pictures.tables = {{"Class fidelity", {"class", "accuracy", "note"},
                      {{"kick", "0.91", "<b>fine</b>"}, {"snare", "85%"}}}};
  g.sections.push_back(pictures);
  return g;
}

std::set<std::string> files_under(const fs::path& root) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (!e.is_directory()) out.insert(fs::relative(e.path(), root).string());
  return out;
}

std::vector<std::string> attribute_values(const std::string& html, const std::string& name) {
  std::vector<std::string> out;
  const std::regex re("\\s" + name + "=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), re); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(Gallery, ThePageReferencesExactlyTheFilesItHolds) {
  test::ScratchDir dir("gallery");
  const Gallery g = sample_gallery(dir.path());
  const GalleryFiles w = write_gallery(dir / "out", g);
  const std::string html = read_file(dir / "out" / "index.html");

  std::set<std::string> referenced;
  for (const std::string& name : {"src", "href"})
    for (const std::string& v : attribute_values(html, name)) {
      if (v.starts_with("#")) {
        EXPECT_NE(html.find("id=\"" + v.substr(1) + "\""), std::string::npos) << v;
        continue;
      }
      EXPECT_EQ(v.find(':'), std::string::npos) << "not a relative file name: " << v;
      EXPECT_TRUE(fs::is_regular_file(dir / "out" / v)) << v;
      EXPECT_GT(fs::file_size(dir / "out" / v), 0u) << v;
      referenced.insert(v);
    }
  referenced.insert("index.html");
  EXPECT_EQ(files_under(dir / "out"), referenced);  // nothing unreferenced, nothing missing
  EXPECT_EQ(w.sounds.size(), 7u);
  EXPECT_EQ(w.spectrograms.size(), 8u);  // one per sound and the colour scale
  EXPECT_EQ(w.images.size(), 2u);
  EXPECT_EQ(w.folder, dir / "out");
  // No temporary folder beside it.
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_FALSE(e.path().filename().string().starts_with(".")) << e.path();

  // Every player sits in a figure with its own spectrogram, and plays the sound given.
  std::size_t figures = 0, sound_index = 0;
  std::vector<const GallerySound*> sounds;
  for (const auto& s : g.sections)
    for (const auto& snd : s.sounds) sounds.push_back(&snd);
  const std::regex figure_re(
      "<figure class=\"sound\"><img src=\"spectrograms/([^\"]+)\\.png\" width=\"([0-9]+)\" "
      "height=\"([0-9]+)\" alt=\"[^\"]+\"><audio controls preload=\"none\" src=\"sounds/([^\"]+)\\.wav\">");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), figure_re); it != std::sregex_iterator();
       ++it, ++figures) {
    const std::smatch& m = *it;
    EXPECT_EQ(m[1], m[4]) << "a spectrogram beside another sound's player";
    ASSERT_LT(sound_index, sounds.size());
    const GallerySound& want = *sounds[sound_index++];
    const Audio a = read_audio(dir / "out" / "sounds" / (m[4].str() + ".wav"));
    EXPECT_EQ(a.sample_rate, want.sample_rate) << want.caption;
    EXPECT_EQ(a.samples.size(), want.samples.size()) << want.caption;
    const std::string png = read_file(dir / "out" / "spectrograms" / (m[1].str() + ".png"));
    auto be32 = [&](int at) {
      return (static_cast<uint8_t>(png[at]) << 24) | (static_cast<uint8_t>(png[at + 1]) << 16) |
             (static_cast<uint8_t>(png[at + 2]) << 8) | static_cast<uint8_t>(png[at + 3]);
    };
    EXPECT_EQ(std::to_string(be32(16)), m[2].str()) << "width attribute";
    EXPECT_EQ(std::to_string(be32(20)), m[3].str()) << "height attribute";
  }
  EXPECT_EQ(figures, 7u);
  EXPECT_EQ(count(html, "<audio "), 7u);
}

TEST(Gallery, CallerStringsAreEscaped) {
  test::ScratchDir dir("gallery");
  write_gallery(dir / "out", sample_gallery(dir.path()));
  const std::string html = read_file(dir / "out" / "index.html");
  std::string lower = html;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  EXPECT_EQ(lower.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  const std::string escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;more&#39;";
  EXPECT_GE(count(html, escaped), 4u);  // intro, caption, alt text, note
  EXPECT_NE(html.find("<title>ngsynth demo: tiny &amp; synthetic</title>"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;fine&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(html_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
}

TEST(Gallery, PairsShareARowAndNumbersAlignRight) {
  test::ScratchDir dir("gallery");
  write_gallery(dir / "out", sample_gallery(dir.path()));
  const std::string html = read_file(dir / "out" / "index.html");
  for (const std::string group : {"snare 2", "clicks"}) {
    const auto at = html.find("<div class=\"pair\"><h3>" + group + "</h3><div class=\"row\">");
    ASSERT_NE(at, std::string::npos) << group;
    const auto end = html.find("</div></div>", at);
    EXPECT_EQ(count(html.substr(at, end - at), "<figure class=\"sound\">"), 2u) << group;
  }
  EXPECT_EQ(count(html, "<div class=\"pair\">"), 2u);
  EXPECT_NE(html.find("<td class=\"num\">0.91</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">85%</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>kick</td>"), std::string::npos);
  EXPECT_NE(html.find("<p>Second paragraph"), std::string::npos);
  EXPECT_NE(html.find("width=\"200\" height=\"150\" alt=\"latent map\""), std::string::npos);
}

TEST(Gallery, RefusesANonEmptyFolderAndLeavesNothingBehind) {
  test::ScratchDir dir("gallery");
  const Gallery g = sample_gallery(dir.path());
  fs::create_directory(dir / "out");
  write_file_atomically(dir / "out" / "mine.txt", "keep me");
  try {
    write_gallery(dir / "out", g);
    FAIL() << "wrote into a non-empty folder";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find((dir / "out").string()), std::string::npos) << what;
    EXPECT_NE(what.find("not empty"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << "one line";
  }
  EXPECT_EQ(files_under(dir / "out"), std::set<std::string>{"mine.txt"});
  EXPECT_EQ(files_under(dir.path()), (std::set<std::string>{"map.png", "map.svg", "out/mine.txt"}));
}

TEST(Gallery, BadDescriptionsNameTheCulpritAndWriteNothing) {
  test::ScratchDir dir("gallery");
  auto expect_error = [&](const Gallery& g, const std::string& needle) {
    try {
      write_gallery(dir / "out", g);
      ADD_FAILURE() << "accepted; expected an error containing " << needle;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(dir / "out"));
  };
  Gallery g = sample_gallery(dir.path());
  g.sections[1].sounds[1].samples[5] = std::nanf("");
  expect_error(g, "section 2 'Reconstructions', sound 'reconstruction'");
  g = sample_gallery(dir.path());
  g.sections[0].sounds[0].samples.clear();
  expect_error(g, "sound 'kick 1': no samples");
  g = sample_gallery(dir.path());
  g.sections[2].images[0].file = dir / "gone.png";
  expect_error(g, (dir / "gone.png").string());
  g = sample_gallery(dir.path());
  g.sections[2].images[0].file = dir / "map.jpg";
  expect_error(g, ".png or .svg");
  g = sample_gallery(dir.path());
  write_file_atomically(dir / "fake.png", "GIF89a not a png at all, really not");
  g.sections[2].images[0].file = dir / "fake.png";
  expect_error(g, "not a PNG file");
  g = sample_gallery(dir.path());
  g.sections[2].tables[0].rows.push_back({"a", "b", "c", "d"});
  expect_error(g, "table 'Class fidelity': a row has 4 cells");
  g = sample_gallery(dir.path());
  g.title.clear();
  expect_error(g, "no title");
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_FALSE(e.path().filename().string().starts_with(".")) << e.path();
}

// The page in Debian's chromium (tests/web/gallery_test.mjs, puppeteer-core), opened from
// the folder: no console errors or failed requests, every picture decoded, every player
// loads its WAV; then, with a spectrogram and a sound removed, the same script must fail
// and name both.
TEST(Gallery, RendersInHeadlessChromium) {
  const fs::path web = fs::path(NGSYNTH_SOURCE_DIR) / "tests" / "web";
  if (!fs::exists("/usr/bin/chromium") && !std::getenv("CHROMIUM"))
    GTEST_SKIP() << "chromium is missing (/usr/bin/chromium): run scripts/setup.sh";
  if (!fs::exists(web / "node_modules" / "puppeteer-core"))
    GTEST_SKIP() << "puppeteer-core is missing: run scripts/setup.sh (npm ci in tests/web)";
  test::ScratchDir dir("gallery");
  const GalleryFiles w = write_gallery(dir / "out", sample_gallery(dir.path()));
  const fs::path shots = fs::current_path() / "test-artifacts";
  fs::create_directories(shots);
  fs::remove(shots / "gallery_page.png");
  const std::string script = "node " + test::quote(web / "gallery_test.mjs") + " ";
  auto r = test::run_command(script + test::quote(dir / "out" / "index.html") + " " +
                             test::quote(shots / "gallery_page.png"));
  std::cout << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  ASSERT_TRUE(fs::exists(shots / "gallery_page.png"));
  EXPECT_EQ(read_file(shots / "gallery_page.png").substr(1, 3), "PNG");

  fs::remove(dir / "out" / w.spectrograms[2]);
  fs::remove(dir / "out" / w.sounds[4]);
  r = test::run_command(script + test::quote(dir / "out" / "index.html") + " " +
                        test::quote(dir / "broken.png"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("FAIL every picture decoded"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(w.spectrograms[2]), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(w.sounds[4]), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("FAIL no console errors or failed requests"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ngsynth::demo
