// The canvas: shapes on whole pixels exact, anti-aliased shapes with the right area, text
// inside its measured box, raster images copied exactly, and the picture written as a PNG
// (decoded back) or a well-formed SVG, atomically, in the format the extension names.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <set>

#include "ngsynth/plot/canvas.h"
#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "picture_test_util.h"
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;

constexpr Rgb kWhite{255, 255, 255}, kBlack{0, 0, 0}, kRed{255, 0, 0};

int count(const Canvas& im, Rgb c) {
  int n = 0;
  for (const Rgb& p : im.pixels()) n += p == c;
  return n;
}

// Pixels that are not white, with their bounding box.
struct Ink {
  int n = 0, x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
};

Ink ink(const Canvas& im) {
  Ink k;
  for (int y = 0; y < im.height(); ++y)
    for (int x = 0; x < im.width(); ++x) {
      if (im.pixel(x, y) == kWhite) continue;
      ++k.n;
      k.x0 = std::min(k.x0, x);
      k.y0 = std::min(k.y0, y);
      k.x1 = std::max(k.x1, x);
      k.y1 = std::max(k.y1, y);
    }
  return k;
}

TEST(Canvas, StartsWithTheBackground) {
  const Canvas im(7, 5, kBlack);
  EXPECT_EQ(im.width(), 7);
  EXPECT_EQ(im.height(), 5);
  EXPECT_EQ(count(im, kBlack), 35);
  EXPECT_THROW(im.pixel(7, 0), Error);
  EXPECT_THROW(im.pixel(0, -1), Error);
  EXPECT_THROW(Canvas(0, 5), Error);
  EXPECT_THROW(Canvas(5, 20000), Error);
}

TEST(Canvas, RectanglesOnWholePixelsAreExactAndClipped) {
  Canvas im(10, 10);
  im.fill_rect(2, 3, 4, 5, kRed);
  EXPECT_EQ(count(im, kRed), 20);
  EXPECT_EQ(count(im, kWhite), 80);  // no anti-aliased fringe
  EXPECT_EQ(im.pixel(2, 3), kRed);
  EXPECT_EQ(im.pixel(5, 7), kRed);
  EXPECT_EQ(im.pixel(6, 7), kWhite);
  Canvas clipped(10, 10);
  clipped.fill_rect(-5, 8, 100, 100, kRed);  // only rows 8 and 9 remain
  EXPECT_EQ(count(clipped, kRed), 20);
}

TEST(Canvas, LinesThroughPixelCentresCoverBothEnds) {
  Canvas im(20, 20);
  im.line(1.5, 1.5, 18.5, 1.5, kRed);  // pixels 1..18 of row 1
  EXPECT_EQ(count(im, kRed), 18);
  EXPECT_EQ(count(im, kWhite), 400 - 18);
  Canvas thick(20, 20);
  thick.line(2.5, 10.5, 17.5, 10.5, kRed, 3);  // rows 9..11; square ends widen it too
  EXPECT_EQ(count(thick, kRed), (16 + 2) * 3);
  Canvas diagonal(20, 20);
  diagonal.line(3.5, 0.5, 15.5, 12.5, kRed);
  for (int i : {3, 9, 15}) EXPECT_LT(diagonal.pixel(i, i - 3).g, 160) << i;  // reddish
  EXPECT_EQ(diagonal.pixel(15, 0), kWhite);
  Canvas frame(10, 10);
  frame.stroke_rect(1.5, 1.5, 7, 7, kRed);  // the outline of pixels 1..8
  EXPECT_EQ(count(frame, kRed), 4 * 7);
  EXPECT_EQ(frame.pixel(4, 4), kWhite);
}

TEST(Canvas, CirclesHaveTheRightArea) {
  Canvas im(101, 101);
  im.fill_circle(50.5, 50.5, 30, kRed);
  // Anti-aliasing covers edge pixels in proportion, so the coverage sums to pi r^2.
  double covered = 0;
  for (const Rgb& p : im.pixels()) covered += (255 - p.g) / 255.0;
  EXPECT_NEAR(covered, std::numbers::pi * 900, 0.005 * std::numbers::pi * 900);
  EXPECT_EQ(im.pixel(50, 50), kRed);
  EXPECT_EQ(im.pixel(50, 21), kRed);
  EXPECT_EQ(im.pixel(50, 19), kWhite);
}

TEST(Canvas, ImagesArePaintedPixelForPixel) {
  Canvas im(6, 5);
  const std::vector<Rgb> raster = {{1, 2, 3}, {250, 0, 7}, {0, 128, 255},
                                   {9, 9, 9}, {77, 66, 55}, {200, 201, 202}};
  im.image(2, 1, 3, 2, raster);
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 3; ++x) EXPECT_EQ(im.pixel(2 + x, 1 + y), raster[y * 3 + x]) << x << y;
  EXPECT_EQ(count(im, kWhite), 30 - 6);
  EXPECT_THROW(im.image(0, 0, 2, 2, raster), Error);  // 6 pixels for 2x2
}

TEST(Canvas, ClipKeepsDrawingInside) {
  Canvas im(20, 20);
  im.clip(10, 10, 5, 4);
  im.fill_rect(0, 0, 20, 20, kRed);
  im.fill_circle(2, 2, 5, kBlack);  // entirely outside the clip
  EXPECT_EQ(count(im, kRed), 20);
  EXPECT_EQ(count(im, kWhite), 380);
  im.reset_clip();
  im.fill_rect(0, 0, 20, 20, kRed);
  EXPECT_EQ(count(im, kRed), 400);
}

TEST(Canvas, TextStaysInsideItsMeasuredBox) {
  const Font f{20};
  const std::string label = "Kick 0.93 Hz";
  const double w = text_width(label, f), cap = cap_height(f);
  EXPECT_GT(w, 100);
  EXPECT_LT(w, 160);
  EXPECT_NEAR(cap, 0.73 * 20, 1.0);  // DejaVu Sans
  // Unhinted metrics: twice the size, twice the width.
  EXPECT_NEAR(text_width(label, {10}), w / 2, 0.01 * w);
  EXPECT_GT(text_width(label, {20, true}), w);  // bold is wider
  for (Align a : {Align::left, Align::centre, Align::right}) {
    Canvas im(300, 60);
    const double x = 150, left = a == Align::left ? x : a == Align::centre ? x - w / 2 : x - w;
    im.text(x, 20, label, kBlack, f, a);
    const Ink k = ink(im);
    EXPECT_GT(k.n, 300);
    EXPECT_GE(k.x0, left - 1);
    EXPECT_LE(k.x1, left + w + 1);
    // From the top of the capitals (and of 'k', a little taller) to the baseline: the label
    // has no descenders.
    EXPECT_GE(k.y0, 20 - 2);
    EXPECT_LE(k.y1, 20 + cap + 1);
    EXPECT_LE(k.y0, 21);
    EXPECT_GE(k.y1, 20 + cap - 1);
  }
}

TEST(Canvas, TextThatIsNotUtf8DrawsAsQuestionMarks) {
  EXPECT_EQ(text_width("a\xff" "b"), text_width("a?b"));
  EXPECT_EQ(text_width("a\x01" "b"), text_width("a?b"));
  EXPECT_EQ(text_width("\xe2\x82"), text_width("??"));  // a cut sequence
  EXPECT_EQ(text_width("\xed\xa0\x80"), text_width("???"));  // a surrogate
  EXPECT_NE(text_width("\xc3\xa9"), text_width("??"));  // é is UTF-8
  // Invalid text would otherwise stop the whole context: later drawing must still show.
  Canvas im(40, 20);
  im.text(1, 1, "\xff\xfe bad", kBlack);
  im.fill_rect(30, 10, 5, 5, kRed);
  EXPECT_EQ(count(im, kRed), 25);
  EXPECT_NO_THROW(im.encode(ImageFormat::svg));
}

TEST(Canvas, ElideCutsAtCharactersToFit) {
  EXPECT_EQ(elide("kick (12)", 200), "kick (12)");
  const std::string name = "a very long class name indeed (1234)";
  const std::string e = elide(name, 80);
  EXPECT_LE(text_width(e), 80);
  ASSERT_GT(e.size(), 3u);
  EXPECT_EQ(e.substr(e.size() - 3), "...");
  EXPECT_TRUE(name.starts_with(e.substr(0, e.size() - 3))) << e;
  std::string eight_e;
  for (int i = 0; i < 8; ++i) eight_e += "\xc3\xa9";  // é
  const std::string accents = elide(eight_e, 30);
  EXPECT_EQ((accents.size() - 3) % 2, 0u) << accents;  // no é cut in half
  EXPECT_LE(text_width(accents), 30);
}

TEST(Canvas, PngDecodesToThePixels) {
  Canvas im(33, 17, {10, 20, 30});
  im.line(0.5, 0.5, 32.5, 16.5, kRed);
  im.fill_rect(20, 2, 6, 4, {0, 200, 100});
  im.text(1, 5, "ngsynth", {200, 255, 0});
  const std::string bytes = im.encode(ImageFormat::png);
  EXPECT_EQ(bytes.substr(0, 4), "\x89PNG");
  const test::DecodedPng d = test::decode_png(bytes);
  ASSERT_EQ(d.width, 33);
  ASSERT_EQ(d.height, 17);
  EXPECT_EQ(d.pixels, im.pixels());
  EXPECT_EQ(d.at(0, 16), (Rgb{10, 20, 30}));
  EXPECT_EQ(d.at(22, 3), (Rgb{0, 200, 100}));
  // The same drawing gives the same bytes (in an SVG, Cairo numbers its elements' ids
  // across the whole process).
  Canvas again(33, 17, {10, 20, 30});
  again.line(0.5, 0.5, 32.5, 16.5, kRed);
  again.fill_rect(20, 2, 6, 4, {0, 200, 100});
  again.text(1, 5, "ngsynth", {200, 255, 0});
  EXPECT_EQ(again.encode(ImageFormat::png), bytes);
}

TEST(Canvas, SvgIsWellFormedXmlOfTheSameDrawing) {
  Canvas im(40, 20, {10, 20, 30});
  im.fill_rect(2, 3, 4, 5, {0, 200, 100});
  im.fill_circle(30, 10, 4, kRed);
  im.text(1, 1, "Hi <&>", kWhite);
  const test::ParsedSvg s = test::parse_svg(im.encode(ImageFormat::svg));
  ASSERT_TRUE(s.ok);
  EXPECT_EQ(s.width, "40px");
  EXPECT_EQ(s.height, "20px");
  EXPECT_EQ(s.view_box, "0 0 40 20");
  EXPECT_EQ(s.count({10, 20, 30}), 1);  // the background
  EXPECT_EQ(s.count({0, 200, 100}), 1);
  EXPECT_EQ(s.count(kRed), 1);
  EXPECT_EQ(s.glyphs, 6);  // "Hi <&>", the space included
  EXPECT_EQ(test::parse_svg(Canvas(40, 20).encode(ImageFormat::svg)).glyphs, 0);
}

TEST(Canvas, SavesAtomicallyInTheFormatOfTheExtension) {
  test::ScratchDir dir("canvas");
  Canvas im(8, 6, kRed);
  im.save(dir / "a.png");
  im.save(dir / "b.SVG");
  write_file_atomically(dir / "c.png", "old content");
  im.save(dir / "c.png");
  EXPECT_EQ(test::decode_png(read_file(dir / "a.png")).pixels, im.pixels());
  EXPECT_TRUE(test::parse_svg(read_file(dir / "b.SVG")).ok);
  EXPECT_EQ(read_file(dir / "c.png"), read_file(dir / "a.png"));
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path())) names.insert(e.path().filename());
  EXPECT_EQ(names, (std::set<std::string>{"a.png", "b.SVG", "c.png"}));  // no temporaries
  for (const char* bad : {"x.jpg", "noext"}) {
    try {
      im.save(dir / bad);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find((dir / bad).string()), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(".png, .svg"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(dir / bad));
  }
  try {
    im.save("/nonexistent-folder/x.png");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-folder/x.png"), std::string::npos);
  }
}

}  // namespace
}  // namespace ngsynth
