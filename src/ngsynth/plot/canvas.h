// The drawing surface of every picture ngsynth makes (latent maps, training curves,
// spectrograms): lines, rectangles, circles, raster images and text in DejaVu Sans, drawn
// once with Cairo and written as PNG or SVG, whichever the file name asks for. Drawing
// clips at the edges, so callers can plot without bounds checks. Saving is atomic, like
// every file ngsynth writes.
//
// Coordinates are pixels from the top-left corner; pixel (x, y) covers [x, x + 1) x
// [y, y + 1), so a fill_rect on whole numbers is crisp, and so is a line of width 1 through
// pixel centres (x + 0.5). Shapes and text are anti-aliased.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// Cairo's types, so that users of the canvas need not include cairo.h.
struct _cairo;
struct _cairo_surface;

namespace ngsynth {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  friend bool operator==(const Rgb&, const Rgb&) = default;
};

struct Point {
  double x = 0, y = 0;
};

enum class ImageFormat { png, svg };

// The format a picture file's extension names (.png or .svg, any case); anything else is
// an Error naming the path and the valid extensions.
ImageFormat image_format(const std::filesystem::path& path);

// Font of the text: DejaVu Sans at `size` pixels (the em; capitals are about 0.73 of it).
struct Font {
  double size = 10;
  bool bold = false;
};

enum class Align { left, centre, right };

// Text measured the way Canvas::text draws it. Text is UTF-8; bytes that are not (and
// control characters) draw as '?'.
double text_width(std::string_view s, Font f = {});
double cap_height(Font f = {});  // the height of a capital letter above the baseline
// `s` unchanged if it is at most max_width wide, else cut (at a character boundary) and
// ended with "..." so that it fits.
std::string elide(std::string_view s, double max_width, Font f = {});

class Canvas {
 public:
  // Throws Error unless 1 <= width, height <= 16384.
  Canvas(int width, int height, Rgb background = {255, 255, 255});
  ~Canvas();
  Canvas(Canvas&& other) noexcept;
  Canvas& operator=(Canvas&& other) noexcept;
  Canvas(const Canvas&) = delete;
  Canvas& operator=(const Canvas&) = delete;

  int width() const { return width_; }
  int height() const { return height_; }

  void fill_rect(double x, double y, double w, double h, Rgb c);
  // The outline of a rectangle, the pen centred on its edges.
  void stroke_rect(double x, double y, double w, double h, Rgb c, double line_width = 1);
  // Square ends: a line between two pixel centres covers both end pixels.
  void line(double x0, double y0, double x1, double y1, Rgb c, double line_width = 1);
  // Connected segments with round joins (curves of a plot).
  void polyline(std::span<const Point> points, Rgb c, double line_width = 1);
  void fill_circle(double cx, double cy, double radius, Rgb c);
  // A raster of w x h pixels (row after row) with its top-left corner at pixel (x, y), one
  // raster pixel per canvas pixel, not smoothed. Error unless pixels.size() == w * h.
  void image(int x, int y, int w, int h, std::span<const Rgb> pixels);
  // Drawing until reset_clip() stays inside the rectangle.
  void clip(double x, double y, double w, double h);
  void reset_clip();
  // One line of text; y is the top of its capitals (the baseline is y + cap_height(f)), x
  // its left end, centre or right end as `align` says.
  void text(double x, double y, std::string_view s, Rgb c, Font f = {},
            Align align = Align::left);

  // The picture as a file's bytes; Error if Cairo failed to draw or encode it.
  std::string encode(ImageFormat format) const;
  // Writes the format the extension names, atomically; Error naming the path on failure.
  void save(const std::filesystem::path& path) const;

  // The pixels of the PNG rendering, row after row (kept until the next drawing call).
  Rgb pixel(int x, int y) const;  // Error outside the canvas
  std::vector<Rgb> pixels() const;

 private:
  _cairo* draw();  // the context, for a drawing call: the cached rendering is dropped
  _cairo_surface* raster() const;
  void release() noexcept;

  int width_ = 0, height_ = 0;
  // Drawing is recorded and played back onto a PNG or an SVG surface when encoded, so one
  // drawing gives either format.
  _cairo_surface* recording_ = nullptr;
  _cairo* cr_ = nullptr;
  mutable _cairo_surface* raster_ = nullptr;  // the PNG rendering, made on demand
};

}  // namespace ngsynth
