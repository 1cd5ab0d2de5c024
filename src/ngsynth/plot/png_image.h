// A small RGB canvas for the pictures ngsynth draws (latent maps, training curves): fill,
// pixels, lines, filled rectangles and circles, and ASCII text in a built-in 5x7 bitmap
// font, written as an 8-bit RGB PNG with libpng. Drawing clips at the edges, so callers
// can plot without bounds checks. Saving is atomic, like every file ngsynth writes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ngsynth {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  friend bool operator==(const Rgb&, const Rgb&) = default;
};

class PngImage {
 public:
  // Glyph cell of the built-in font at scale 1: 5x7 ink plus one column and row of space.
  static constexpr int kGlyphWidth = 5, kGlyphHeight = 7, kAdvance = 6, kLineHeight = 9;

  // Throws Error unless 1 <= width, height <= 16384.
  PngImage(int width, int height, Rgb background = {255, 255, 255});

  int width() const { return width_; }
  int height() const { return height_; }

  void fill(Rgb c);
  void set(int x, int y, Rgb c);  // ignored outside the canvas
  Rgb get(int x, int y) const;    // throws Error outside the canvas
  // Bresenham line, both end points included; `thickness` pixels wide (square pen).
  void line(int x0, int y0, int x1, int y1, Rgb c, int thickness = 1);
  // Pixels x..x+w-1, y..y+h-1.
  void fill_rect(int x, int y, int w, int h, Rgb c);
  // Pixels within `radius` of (cx, cy), radius 0 = one pixel.
  void fill_circle(int cx, int cy, int radius, Rgb c);
  // Text with its top-left corner at (x, y); each font pixel becomes scale x scale.
  // '\n' starts a new line; characters outside printable ASCII draw as '?'.
  void text(int x, int y, std::string_view s, Rgb c, int scale = 1);
  // Size of text() output in pixels (the longest line; lines * line height).
  static int text_width(std::string_view s, int scale = 1);
  static int text_height(std::string_view s, int scale = 1);

  // Writes an 8-bit RGB PNG atomically; Error naming the path on failure.
  void save(const std::filesystem::path& path) const;
  // The PNG file as bytes (what save writes).
  std::string encode() const;

  const std::vector<uint8_t>& pixels() const { return pixels_; }  // RGB, row after row

 private:
  void glyph(int x, int y, char ch, Rgb c, int scale);

  int width_, height_;
  std::vector<uint8_t> pixels_;
};

}  // namespace ngsynth
