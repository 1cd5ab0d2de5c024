// The latent map pictures: the PNG decoded back and searched for each class colour, the SVG
// parsed into its filled shapes (Cairo writes text as glyph outlines, so the legend's names
// are checked through their colours and glyph counts), the two compared, the format chosen
// by extension.
#include <gtest/gtest.h>

#include <random>

#include "ngsynth/plot/map_plot.h"
#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "picture_test_util.h"
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

const std::vector<std::string> kNames = {"kick", "snare & rim", "<tom>"};

TEST(MapPlot, PaletteIsDistinctAndCycles) {
  for (int i = 0; i < 12; ++i) {
    for (int j = 0; j < i; ++j) EXPECT_FALSE(class_colour(i) == class_colour(j)) << i << j;
    EXPECT_FALSE(class_colour(i) == (Rgb{255, 255, 255})) << i;
    EXPECT_EQ(class_colour(i + 12), class_colour(i));
  }
}

// In a 900x700 picture of clustered_map: the plot's top and bottom, a line left of which
// lie only the plot and its axes (the clusters reach x = 0.8, about 700 px), and one
// between the plot's right edge and the legend.
constexpr int kPlotTop = 44, kPlotBottom = 654, kPlotRight = 600, kLegendLeft = 740;

bool dark(Rgb c) { return c.r < 100 && c.g < 100 && c.b < 100; }

TEST(MapPlot, PngShowsEveryClassInsideThePlot) {
  const LatentMap m = clustered_map();
  const Canvas picture = latent_map_picture(m, kNames, "Latent map");
  const test::DecodedPng d = test::decode_png(picture.encode(ImageFormat::png));
  ASSERT_EQ(d.width, 900);
  ASSERT_EQ(d.height, 700);
  EXPECT_EQ(d.at(2, 690), (Rgb{255, 255, 255}));  // the background
  // The legend sits at the right; the left two thirds are plot and axes only.
  for (int c = 0; c < 3; ++c) {
    EXPECT_GT(d.count(class_colour(c), 0, 0, kPlotRight, 700), 200) << c;
    EXPECT_GT(d.count(class_colour(c), kLegendLeft, 0, 900, 700), 50) << c;  // the swatch
  }
  // Class 3 has only a point outside the range: clipped, but listed in the legend.
  EXPECT_EQ(d.count(class_colour(3), 0, 0, kLegendLeft, 700), 0);
  EXPECT_GT(d.count(class_colour(3), kLegendLeft, 0, 900, 700), 50);
  // Class 0 is at the lower left of the plot, class 1 at the upper right.
  EXPECT_GT(d.count(class_colour(0), 0, 350, 400, 700), 200);
  EXPECT_EQ(d.count(class_colour(0), 0, 0, kLegendLeft, 300), 0);
  EXPECT_GT(d.count(class_colour(1), 300, 0, kPlotRight, 350), 200);
  EXPECT_EQ(d.count(class_colour(1), 0, 400, kLegendLeft, 700), 0);
  // Dark text: the title above the plot, tick numbers left of it and below it, the legend's
  // names right of the swatches; none inside the plot's empty upper-left quarter.
  auto dark_in = [&](int x0, int y0, int x1, int y1) {
    int n = 0;
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) n += dark(d.at(x, y));
    return n;
  };
  EXPECT_GT(dark_in(0, 0, 900, 28), 100);                  // title
  EXPECT_GT(dark_in(0, kPlotTop, 60, kPlotBottom), 15);    // y ticks
  EXPECT_GT(dark_in(0, kPlotBottom + 5, 900, 700), 100);   // x ticks and label
  EXPECT_GT(dark_in(kLegendLeft + 20, kPlotTop, 900, kPlotTop + 60), 100);  // legend names
  EXPECT_EQ(dark_in(70, 60, 300, 300), 0);
  // Without a title, nothing is drawn there.
  const test::DecodedPng untitled =
      test::decode_png(latent_map_picture(m, kNames, "").encode(ImageFormat::png));
  int title_ink = 0;
  for (int y = 0; y < 26; ++y)
    for (int x = 0; x < 900; ++x) title_ink += untitled.at(x, y) != (Rgb{255, 255, 255});
  EXPECT_EQ(title_ink, 0);
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
  const test::DecodedPng d =
      test::decode_png(latent_map_picture(m, kNames, "overlap").encode(ImageFormat::png));
  const int a = d.count(class_colour(0), 0, 0, kPlotRight, 700);
  const int b = d.count(class_colour(1), 0, 0, kPlotRight, 700);
  EXPECT_GT(a, (a + b) / 4);
  EXPECT_GT(b, (a + b) / 4);
}

TEST(MapPlot, SvgAndPngAreTheSameDrawing) {
  const LatentMap m = clustered_map();
  const Canvas picture = latent_map_picture(m, kNames, "Drums <fast> & \"more\" \xff");
  const test::ParsedSvg s = test::parse_svg(picture.encode(ImageFormat::svg));
  ASSERT_TRUE(s.ok);  // well-formed, whatever the title holds
  EXPECT_EQ(s.width, "900px");
  EXPECT_EQ(s.height, "700px");
  EXPECT_EQ(s.view_box, "0 0 900 700");
  // One dot per point inside the range and one legend swatch per class.
  for (int c = 0; c < 4; ++c) {
    int dots = 0, swatches = 0;
    for (const test::SvgShape& e : s.shapes) {
      if (!(e.fill == class_colour(c))) continue;
      (e.x < kLegendLeft ? dots : swatches)++;
    }
    EXPECT_EQ(dots, c < 3 ? 200 : 0) << c;
    EXPECT_EQ(swatches, 1) << c;
  }
  // The dots are where the PNG has them: nearly every dot's centre pixel has its colour
  // (a few are covered by later dots of another class).
  const test::DecodedPng d = test::decode_png(picture.encode(ImageFormat::png));
  int dots = 0, matching = 0;
  for (const test::SvgShape& e : s.shapes) {
    if (e.element != "path" || e.x >= kLegendLeft) continue;
    for (int c = 0; c < 3; ++c) {
      if (!(e.fill == class_colour(c))) continue;
      // A circle's path starts at its rightmost point: the centre is one radius left.
      const int x = static_cast<int>(e.x - 1.6), y = static_cast<int>(e.y);
      ++dots;
      matching += d.at(x, y) == e.fill;
    }
  }
  EXPECT_EQ(dots, 600);
  EXPECT_GT(matching, 570);
  // Text is there as glyphs: the title, axis labels, ticks and the four legend lines.
  const std::string legend = "kick (200)snare & rim (200)<tom> (200)class 3 (1)";
  const std::string title = "Drums <fast> & \"more\" ?";
  EXPECT_GE(s.glyphs, static_cast<int>(legend.size() + title.size() +
                                        std::string("PC1 (60% of variance)").size() * 2));
  // And fewer without a title and class names: what changes is only the text.
  const test::ParsedSvg plain = test::parse_svg(
      latent_map_picture(m, {"a", "b", "c"}, "").encode(ImageFormat::svg));
  EXPECT_EQ(s.glyphs - plain.glyphs,
            static_cast<int>(title.size() + legend.size() -
                             std::string("a (200)b (200)c (200)class 3 (1)").size()));
  EXPECT_EQ(plain.shapes.size(), s.shapes.size());
}

TEST(MapPlot, FormatFollowsTheExtension) {
  test::ScratchDir dir("map-ext");
  const LatentMap m = clustered_map();
  draw_latent_map(m, kNames, dir / "a.png", "t");
  draw_latent_map(m, kNames, dir / "b.SVG", "t");
  const test::DecodedPng png = test::decode_png(read_file(dir / "a.png"));
  EXPECT_EQ(png.width, 900);
  EXPECT_EQ(png.height, 700);
  EXPECT_TRUE(test::parse_svg(read_file(dir / "b.SVG")).ok);
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
  EXPECT_THROW(latent_map_picture(clustered_map(), kNames, "t", 100, 100), Error);
  EXPECT_THROW(latent_map_picture(clustered_map(), kNames, "t", 900, 50), Error);
  try {
    draw_latent_map(clustered_map(), kNames, "/nonexistent-folder/a.png", "t");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-folder/a.png"), std::string::npos);
  }
}

}  // namespace
}  // namespace ngsynth
