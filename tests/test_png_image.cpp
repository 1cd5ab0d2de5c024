// The RGB canvas: drawing primitives pixel by pixel, the font, and the PNG file read back
// with libpng.
#include <gtest/gtest.h>

#include <png.h>

#include <cmath>
#include <numbers>

#include "ngsynth/plot/png_image.h"
#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;

constexpr Rgb kWhite{255, 255, 255}, kBlack{0, 0, 0}, kRed{255, 0, 0};

int count(const PngImage& im, Rgb c) {
  int n = 0;
  for (int y = 0; y < im.height(); ++y)
    for (int x = 0; x < im.width(); ++x) n += im.get(x, y) == c;
  return n;
}

TEST(PngImage, StartsWithTheBackgroundAndSetsPixels) {
  PngImage im(7, 5, kBlack);
  EXPECT_EQ(count(im, kBlack), 35);
  im.set(6, 4, kRed);
  im.set(7, 0, kRed);   // outside: ignored
  im.set(-1, 2, kRed);  // outside: ignored
  EXPECT_EQ(im.get(6, 4), kRed);
  EXPECT_EQ(count(im, kRed), 1);
  EXPECT_THROW(im.get(7, 0), Error);
  EXPECT_THROW(PngImage(0, 5), Error);
}

TEST(PngImage, RectanglesAreClipped) {
  PngImage im(10, 10);
  im.fill_rect(2, 3, 4, 5, kRed);
  EXPECT_EQ(count(im, kRed), 20);
  EXPECT_EQ(im.get(2, 3), kRed);
  EXPECT_EQ(im.get(5, 7), kRed);
  EXPECT_EQ(im.get(6, 7), kWhite);
  im.fill(kWhite);
  im.fill_rect(-5, 8, 100, 100, kRed);  // only rows 8 and 9 remain
  EXPECT_EQ(count(im, kRed), 20);
}

TEST(PngImage, LinesIncludeBothEnds) {
  PngImage im(20, 20);
  im.line(1, 1, 18, 1, kRed);  // horizontal: 18 pixels
  EXPECT_EQ(count(im, kRed), 18);
  im.fill(kWhite);
  im.line(15, 12, 3, 0, kRed);  // diagonal: 13 pixels, one per column
  EXPECT_EQ(count(im, kRed), 13);
  EXPECT_EQ(im.get(3, 0), kRed);
  EXPECT_EQ(im.get(9, 6), kRed);
  EXPECT_EQ(im.get(15, 12), kRed);
  im.fill(kWhite);
  im.line(2, 10, 17, 10, kRed, 3);  // thickness 3: rows 9..11
  EXPECT_EQ(count(im, kRed), (16 + 2) * 3);  // a square pen also widens the ends
}

TEST(PngImage, CirclesHaveTheRightArea) {
  PngImage im(101, 101);
  im.fill_circle(50, 50, 30, kRed);
  // Pixel-centre count of a disc of radius 30: pi r^2 = 2827; lattice error well under 2 %.
  EXPECT_NEAR(count(im, kRed), std::numbers::pi * 900, 0.02 * std::numbers::pi * 900);
  EXPECT_EQ(im.get(50, 20), kRed);
  EXPECT_EQ(im.get(50, 19), kWhite);
  im.fill(kWhite);
  im.fill_circle(0, 0, 0, kRed);
  EXPECT_EQ(count(im, kRed), 1);
}

TEST(PngImage, GlyphsFollowTheFont) {
  PngImage im(5, 7);
  im.text(0, 0, "T", kBlack);
  // 'T': full top row, then the centre column.
  for (int x = 0; x < 5; ++x) EXPECT_EQ(im.get(x, 0), kBlack) << x;
  for (int y = 1; y < 7; ++y) {
    EXPECT_EQ(im.get(2, y), kBlack) << y;
    EXPECT_EQ(im.get(0, y), kWhite) << y;
  }
  EXPECT_EQ(count(im, kBlack), 11);
}

TEST(PngImage, TextStaysInsideItsMeasuredBox) {
  const std::string label = "kick 0.93\nLSD: 1.17 dB";
  const int w = PngImage::text_width(label, 2), h = PngImage::text_height(label, 2);
  EXPECT_EQ(w, (12 * 6 - 1) * 2);  // longest line: 12 characters
  EXPECT_EQ(h, (9 + 7) * 2);
  PngImage im(200, 60);
  im.text(10, 5, label, kBlack, 2);
  int ink = 0, outside = 0;
  for (int y = 0; y < im.height(); ++y)
    for (int x = 0; x < im.width(); ++x) {
      if (im.get(x, y) != kBlack) continue;
      ++ink;
      outside += x < 10 || x >= 10 + w || y < 5 || y >= 5 + h;
    }
  EXPECT_GT(ink, 200);
  EXPECT_EQ(outside, 0);
  // Every printable character has ink except the space.
  for (char c = 33; c < 127; ++c) {
    PngImage g(5, 7);
    g.text(0, 0, std::string(1, c), kBlack);
    EXPECT_GT(count(g, kBlack), 0) << c;
  }
}

TEST(PngImage, SavesAPngThatLibpngReadsBackExactly) {
  test::ScratchDir dir("png");
  PngImage im(33, 17, {10, 20, 30});
  im.line(0, 0, 32, 16, kRed);
  im.text(1, 5, "ngsynth", {200, 255, 0});
  im.save(dir / "a.png");
  const std::string bytes = read_file(dir / "a.png");
  ASSERT_GT(bytes.size(), 8u);
  EXPECT_EQ(bytes.substr(1, 3), "PNG");

  png_image read{};
  read.version = PNG_IMAGE_VERSION;
  ASSERT_TRUE(png_image_begin_read_from_memory(&read, bytes.data(), bytes.size()));
  read.format = PNG_FORMAT_RGB;
  std::vector<uint8_t> pixels(PNG_IMAGE_SIZE(read));
  ASSERT_TRUE(png_image_finish_read(&read, nullptr, pixels.data(), 0, nullptr));
  EXPECT_EQ(read.width, 33u);
  EXPECT_EQ(read.height, 17u);
  EXPECT_EQ(pixels, im.pixels());
}

TEST(PngImage, SaveToAMissingFolderNamesThePath) {
  PngImage im(2, 2);
  try {
    im.save("/nonexistent-folder/x.png");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-folder/x.png"), std::string::npos);
  }
}

}  // namespace
}  // namespace ngsynth
