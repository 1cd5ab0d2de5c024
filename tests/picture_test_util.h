// Pictures read back for the tests: a PNG decoded by Cairo (the library that wrote it, but
// through its independent libpng reader), and an SVG parsed with pugixml into what it
// fills: each filled shape's colour and first point, and the glyphs of its text.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ngsynth/plot/canvas.h"

namespace ngsynth::test {

struct DecodedPng {
  int width = 0, height = 0;
  std::vector<Rgb> pixels;  // row after row
  Rgb at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
  // Pixels of colour c inside [x0, x1) x [y0, y1).
  int count(Rgb c, int x0, int y0, int x1, int y1) const;
};

// Empty (width 0) when the bytes are not a PNG Cairo can read.
DecodedPng decode_png(const std::string& bytes);

struct SvgShape {
  std::string element;  // "path" or "rect"
  Rgb fill;
  double x = 0, y = 0;  // the first point of a path, the corner of a rect
};

struct ParsedSvg {
  bool ok = false;  // well-formed XML with an <svg> root
  std::string width, height, view_box;
  std::vector<SvgShape> shapes;  // filled paths and rects, in document order
  int glyphs = 0;                // <use> elements that place a glyph of text
  int count(Rgb c) const;
};

ParsedSvg parse_svg(const std::string& text);

// "rgb(12.156863%,46.666667%,70.588235%)", "rgb(0,0,0)" or "#1f77b4", as Cairo writes
// colours into style and fill attributes.
std::optional<Rgb> svg_colour(const std::string& s);

}  // namespace ngsynth::test
