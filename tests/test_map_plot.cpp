// The latent map pictures: PNG decoded back and searched for each class colour, SVG checked
// as text, the format chosen by extension.
#include <gtest/gtest.h>

#include <png.h>

#include <random>

#include "ngsynth/plot/map_plot.h"
#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "test_support.h"

namespace ngsynth {
namespace {

// A 2-D map over [-1, 1]^2 with three clusters of 200 points (classes 0, 1, 2) and one
// point of class 3 outside the range.
LatentMap clustered_map() {
  LatentMap m;
  m.z_dim = 2;
  m.mean = {0, 0};
  m.stddev = {1, 1};
  m.basis = {1, 0, 0, 1};
  m.explained = {0.6f, 0.3f};
  m.x_min = m.y_min = -1;
  m.x_max = m.y_max = 1;
  const float centres[3][2] = {{-0.5f, -0.5f}, {0.5f, 0.5f}, {0.5f, -0.5f}};
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> jitter(-0.3f, 0.3f);
  for (int c = 0; c < 3; ++c)
    for (int i = 0; i < 200; ++i) {
      m.xy.push_back(centres[c][0] + jitter(rng));
      m.xy.push_back(centres[c][1] + jitter(rng));
      m.point_class.push_back(c);
    }
  m.xy.insert(m.xy.end(), {5.0f, 0.0f});
  m.point_class.push_back(3);
  return m;
}

struct Decoded {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;
  Rgb at(int x, int y) const {
    const uint8_t* p = &rgb[(static_cast<std::size_t>(y) * width + x) * 3];
    return {p[0], p[1], p[2]};
  }
  // Pixels of colour c with x in [x0, x1).
  int count(Rgb c, int x0, int x1) const {
    int n = 0;
    for (int y = 0; y < height; ++y)
      for (int x = x0; x < x1; ++x) n += at(x, y) == c;
    return n;
  }
};

Decoded decode(const std::filesystem::path& path) {
  const std::string bytes = read_file(path);
  png_image read{};
  read.version = PNG_IMAGE_VERSION;
  Decoded d;
  if (!png_image_begin_read_from_memory(&read, bytes.data(), bytes.size())) return d;
  read.format = PNG_FORMAT_RGB;
  d.rgb.resize(PNG_IMAGE_SIZE(read));
  if (!png_image_finish_read(&read, nullptr, d.rgb.data(), 0, nullptr)) return d;
  d.width = static_cast<int>(read.width);
  d.height = static_cast<int>(read.height);
  return d;
}

int occurrences(const std::string& s, const std::string& needle) {
  int n = 0;
  for (auto at = s.find(needle); at != std::string::npos; at = s.find(needle, at + 1)) ++n;
  return n;
}

const std::vector<std::string> kNames = {"kick", "snare & rim", "<tom>"};

TEST(MapPlot, PaletteIsDistinctAndCycles) {
  for (int i = 0; i < 12; ++i) {
    for (int j = 0; j < i; ++j) EXPECT_FALSE(class_colour(i) == class_colour(j)) << i << j;
    EXPECT_FALSE(class_colour(i) == (Rgb{255, 255, 255})) << i;
    EXPECT_EQ(class_colour(i + 12), class_colour(i));
  }
}

TEST(MapPlot, PngShowsEveryClassInsideThePlot) {
  test::ScratchDir dir("map-png");
  const LatentMap m = clustered_map();
  draw_latent_map_png(m, kNames, dir / "map.png", "Latent map");
  const Decoded d = decode(dir / "map.png");
  ASSERT_EQ(d.width, 900);
  ASSERT_EQ(d.height, 700);
  // The legend sits at the right; the left two thirds are plot and axes only.
  for (int c = 0; c < 3; ++c) {
    EXPECT_GT(d.count(class_colour(c), 0, 600), 100) << c;
    EXPECT_GT(d.count(class_colour(c), 600, 900), 0) << c;  // the legend swatch
  }
  // Class 3 has only a point outside the range: clipped, but listed in the legend.
  EXPECT_EQ(d.count(class_colour(3), 0, 600), 0);
  EXPECT_GT(d.count(class_colour(3), 600, 900), 0);
  // Class 0 is at the lower left, class 1 at the upper right of the plot.
  int c0_left = 0, c0_right = 0;
  for (int y = 0; y < d.height; ++y)
    for (int x = 0; x < 600; ++x)
      if (d.at(x, y) == class_colour(0)) (x < 400 && y > 350 ? c0_left : c0_right)++;
  EXPECT_GT(c0_left, 100);
  EXPECT_EQ(c0_right, 0);
  // Dark text (title, labels) is there.
  int ink = 0;
  for (int y = 0; y < 40; ++y)
    for (int x = 0; x < 900; ++x) ink += d.at(x, y).r < 100 && d.at(x, y).g < 100;
  EXPECT_GT(ink, 100);
}

TEST(MapPlot, ShuffledDrawingOrderLetsNoClassHideAnother) {
  // Classes 0 and 1 at exactly the same positions, class 1 listed last: drawn in the
  // listed order, class 1 would cover class 0 completely.
  LatentMap m = clustered_map();
  const std::size_t n = 200;
  m.xy.resize(2 * n);
  m.point_class.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const float x = m.xy[2 * i], y = m.xy[2 * i + 1];
    m.xy.insert(m.xy.end(), {x, y});
    m.point_class.push_back(1);
  }
  test::ScratchDir dir("map-order");
  draw_latent_map_png(m, kNames, dir / "map.png", "overlap");
  const Decoded d = decode(dir / "map.png");
  const int a = d.count(class_colour(0), 0, 600), b = d.count(class_colour(1), 0, 600);
  EXPECT_GT(a, (a + b) / 4);
  EXPECT_GT(b, (a + b) / 4);
}

TEST(MapPlot, SvgIsStandaloneAndEscaped) {
  test::ScratchDir dir("map-svg");
  const LatentMap m = clustered_map();
  draw_latent_map_svg(m, kNames, dir / "map.svg", "Drums <fast> & \"more\"");
  const std::string s = read_file(dir / "map.svg");
  EXPECT_EQ(s.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_EQ(s.substr(s.size() - 7), "</svg>\n");
  EXPECT_NE(s.find("width=\"900\" height=\"700\""), std::string::npos);
  EXPECT_NE(s.find("Drums &lt;fast&gt; &amp; &quot;more&quot;"), std::string::npos);
  EXPECT_NE(s.find(">kick (200)<"), std::string::npos);
  EXPECT_NE(s.find(">snare &amp; rim (200)<"), std::string::npos);
  EXPECT_NE(s.find(">&lt;tom&gt; (200)<"), std::string::npos);
  EXPECT_NE(s.find(">class 3 (1)<"), std::string::npos);
  EXPECT_EQ(s.find("<tom>"), std::string::npos);
  EXPECT_EQ(s.find("& "), std::string::npos);
  EXPECT_NE(s.find("PC1 (60% of variance)"), std::string::npos);
  EXPECT_NE(s.find("PC2 (30% of variance)"), std::string::npos);
  EXPECT_EQ(occurrences(s, "<circle"), 600);  // the point outside the range is clipped
  EXPECT_EQ(occurrences(s, "<text"), occurrences(s, "</text>"));
  EXPECT_EQ(occurrences(s, "<g"), occurrences(s, "</g>"));
  EXPECT_EQ(occurrences(s, "<svg"), 1);
}

TEST(MapPlot, FormatFollowsTheExtension) {
  test::ScratchDir dir("map-ext");
  const LatentMap m = clustered_map();
  draw_latent_map(m, kNames, dir / "a.png", "t");
  draw_latent_map(m, kNames, dir / "b.SVG", "t");
  EXPECT_EQ(read_file(dir / "a.png").substr(0, 4), "\x89PNG");
  EXPECT_EQ(read_file(dir / "b.SVG").substr(0, 4), "<svg");
  for (const char* name : {"c.jpg", "noext"}) {
    try {
      draw_latent_map(m, kNames, dir / name, "t");
      ADD_FAILURE() << name;
    } catch (const Error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find((dir / name).string()), std::string::npos) << msg;
      EXPECT_NE(msg.find(".png, .svg"), std::string::npos) << msg;
    }
    EXPECT_FALSE(std::filesystem::exists(dir / name));
  }
}

TEST(MapPlot, RejectsEmptyMapsAndTinyPictures) {
  test::ScratchDir dir("map-bad");
  EXPECT_THROW(draw_latent_map(LatentMap{}, kNames, dir / "a.png", "t"), Error);
  EXPECT_THROW(draw_latent_map_png(clustered_map(), kNames, dir / "a.png", "t", 100, 100), Error);
  EXPECT_THROW(draw_latent_map_svg(clustered_map(), kNames, dir / "a.svg", "t", 900, 50), Error);
  EXPECT_THROW(draw_latent_map_png(clustered_map(), kNames, "/nonexistent-folder/a.png", "t"),
               Error);
}

}  // namespace
}  // namespace ngsynth
