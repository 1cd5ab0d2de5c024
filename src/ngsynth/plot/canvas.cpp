// Drawing goes to a Cairo recording surface; encode() plays the recording back onto an
// RGB image surface (PNG) or an SVG surface, each writing into a string through Cairo's
// stream callbacks, and save() writes that string atomically. Cairo reports errors as a
// status that sticks to the context (every later call is then ignored), so it is checked
// once, when the picture is encoded. Text uses Cairo's "toy" font API with the DejaVu Sans
// face (through fontconfig), without hinted metrics: text then measures the same on every
// surface, so a PNG and an SVG of one drawing have the same layout.
#include "ngsynth/plot/canvas.h"

#include <cairo-svg.h>
#include <cairo.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <numbers>
#include <utility>

#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"

namespace ngsynth {

namespace {

constexpr int kMaxSide = 16384;
constexpr const char* kFontFace = "DejaVu Sans";

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void check(cairo_status_t status, const char* what) {
  if (status != CAIRO_STATUS_SUCCESS)
    throw Error(std::string(what) + ": " + cairo_status_to_string(status));
}

void set_colour(cairo_t* cr, Rgb c) {
  cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0);
}

void set_font(cairo_t* cr, Font f) {
  cairo_select_font_face(cr, kFontFace, CAIRO_FONT_SLANT_NORMAL,
                         f.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, f.size);
}

void set_font_options(cairo_t* cr) {
  cairo_font_options_t* o = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF);
  cairo_set_font_options(cr, o);
  cairo_font_options_destroy(o);
}

// cairo_show_text takes only valid UTF-8 (anything else puts the context in an error
// state); a byte that does not start a valid, shortest-form sequence, and a control
// character, become '?'.
std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xbf;  // the allowed range of the second byte
    if (b >= 0xc2 && b <= 0xdf) n = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 3;
      if (b == 0xe0) lo = 0xa0;  // overlong
      if (b == 0xed) hi = 0x9f;  // UTF-16 surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 4;
      if (b == 0xf0) lo = 0x90;  // overlong
      if (b == 0xf4) hi = 0x8f;  // beyond U+10FFFF
    }
    bool valid = n > 0 && i + n <= s.size();
    for (std::size_t k = 1; valid && k < n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      valid = k == 1 ? (c >= lo && c <= hi) : (c >= 0x80 && c <= 0xbf);
    }
    if (b < 0x80) {
      out += (b < 0x20 || b == 0x7f) ? '?' : static_cast<char>(b);
      ++i;
    } else if (valid) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += '?';
      ++i;
    }
  }
  return out;
}

// A context for measuring text, set up like a canvas' own.
struct Measure {
  cairo_surface_t* surface = cairo_recording_surface_create(CAIRO_CONTENT_COLOR, nullptr);
  cairo_t* cr = cairo_create(surface);
  explicit Measure(Font f) {
    set_font_options(cr);
    set_font(cr, f);
  }
  ~Measure() {
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
  }
  Measure(const Measure&) = delete;
  Measure& operator=(const Measure&) = delete;
};

double advance(cairo_t* cr, const std::string& utf8) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, utf8.c_str(), &e);
  return e.x_advance;
}

double capital_height(cairo_t* cr) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, "H", &e);
  return -e.y_bearing;
}

void check_size(int width, int height) {
  if (width < 1 || height < 1 || width > kMaxSide || height > kMaxSide)
    throw Error("picture size " + std::to_string(width) + "x" + std::to_string(height) +
                " out of range 1.." + std::to_string(kMaxSide));
}

}  // namespace

ImageFormat image_format(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".png") return ImageFormat::png;
  if (ext == ".svg") return ImageFormat::svg;
  fail_file(path, (ext.empty() ? std::string("no picture extension")
                               : "unknown picture extension '" + path.extension().string() + "'") +
                      " (valid: .png, .svg)");
}

double text_width(std::string_view s, Font f) { return advance(Measure(f).cr, printable(s)); }

double cap_height(Font f) { return capital_height(Measure(f).cr); }

std::string elide(std::string_view s, double max_width, Font f) {
  const Measure m(f);
  std::string t = printable(s);
  if (advance(m.cr, t) <= max_width) return t;
  while (!t.empty()) {
    // Drop the last character (its continuation bytes first).
    while (!t.empty() && (static_cast<unsigned char>(t.back()) & 0xc0) == 0x80) t.pop_back();
    if (!t.empty()) t.pop_back();
    if (advance(m.cr, t + "...") <= max_width) break;
  }
  return t + "...";
}

Canvas::Canvas(int width, int height, Rgb background) : width_(width), height_(height) {
  check_size(width, height);
  const cairo_rectangle_t extents{0, 0, static_cast<double>(width), static_cast<double>(height)};
  recording_ = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents);
  cr_ = cairo_create(recording_);
  set_font_options(cr_);
  set_colour(cr_, background);
  cairo_paint(cr_);
}

Canvas::~Canvas() { release(); }

Canvas::Canvas(Canvas&& other) noexcept
    : width_(other.width_),
      height_(other.height_),
      recording_(std::exchange(other.recording_, nullptr)),
      cr_(std::exchange(other.cr_, nullptr)),
      raster_(std::exchange(other.raster_, nullptr)) {}

Canvas& Canvas::operator=(Canvas&& other) noexcept {
  if (this != &other) {
    release();
    width_ = other.width_;
    height_ = other.height_;
    recording_ = std::exchange(other.recording_, nullptr);
    cr_ = std::exchange(other.cr_, nullptr);
    raster_ = std::exchange(other.raster_, nullptr);
  }
  return *this;
}

void Canvas::release() noexcept {
  if (raster_) cairo_surface_destroy(raster_);
  if (cr_) cairo_destroy(cr_);
  if (recording_) cairo_surface_destroy(recording_);
  raster_ = nullptr;
  cr_ = nullptr;
  recording_ = nullptr;
}

cairo_t* Canvas::draw() {
  if (!cr_) throw Error("drawing on a moved-from canvas");
  if (raster_) {
    cairo_surface_destroy(raster_);
    raster_ = nullptr;
  }
  return cr_;
}

void Canvas::fill_rect(double x, double y, double w, double h, Rgb c) {
  cairo_t* cr = draw();
  set_colour(cr, c);
  cairo_rectangle(cr, x, y, w, h);
  cairo_fill(cr);
}

void Canvas::stroke_rect(double x, double y, double w, double h, Rgb c, double line_width) {
  cairo_t* cr = draw();
  set_colour(cr, c);
  cairo_set_line_width(cr, line_width);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
  cairo_rectangle(cr, x, y, w, h);
  cairo_stroke(cr);
}

void Canvas::line(double x0, double y0, double x1, double y1, Rgb c, double line_width) {
  cairo_t* cr = draw();
  set_colour(cr, c);
  cairo_set_line_width(cr, line_width);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE);
  cairo_move_to(cr, x0, y0);
  cairo_line_to(cr, x1, y1);
  cairo_stroke(cr);
}

void Canvas::polyline(std::span<const Point> points, Rgb c, double line_width) {
  if (points.size() < 2) return;
  cairo_t* cr = draw();
  set_colour(cr, c);
  cairo_set_line_width(cr, line_width);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_move_to(cr, points[0].x, points[0].y);
  for (const Point& p : points.subspan(1)) cairo_line_to(cr, p.x, p.y);
  cairo_stroke(cr);
}

void Canvas::fill_circle(double cx, double cy, double radius, Rgb c) {
  cairo_t* cr = draw();
  set_colour(cr, c);
  cairo_new_sub_path(cr);
  cairo_arc(cr, cx, cy, radius, 0, 2 * std::numbers::pi);
  cairo_fill(cr);
}

void Canvas::image(int x, int y, int w, int h, std::span<const Rgb> pixels) {
  check_size(w, h);
  if (pixels.size() != static_cast<std::size_t>(w) * h)
    throw Error("image of " + std::to_string(w) + "x" + std::to_string(h) + " pixels given " +
                std::to_string(pixels.size()));
  cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  check(cairo_surface_status(s), "image");
  unsigned char* data = cairo_image_surface_get_data(s);
  const int stride = cairo_image_surface_get_stride(s);
  for (int r = 0; r < h; ++r) {
    auto* row = reinterpret_cast<uint32_t*>(data + static_cast<std::ptrdiff_t>(r) * stride);
    for (int k = 0; k < w; ++k) {
      const Rgb c = pixels[static_cast<std::size_t>(r) * w + k];
      row[k] = (uint32_t{c.r} << 16) | (uint32_t{c.g} << 8) | c.b;  // RGB24: native 0x00RRGGBB
    }
  }
  cairo_surface_mark_dirty(s);
  cairo_t* cr = draw();
  cairo_save(cr);
  cairo_set_source_surface(cr, s, x, y);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
  cairo_rectangle(cr, x, y, w, h);
  cairo_fill(cr);
  cairo_restore(cr);
  cairo_surface_destroy(s);  // the recording keeps its own reference
}

void Canvas::clip(double x, double y, double w, double h) {
  cairo_t* cr = draw();
  cairo_rectangle(cr, x, y, w, h);
  cairo_clip(cr);
}

void Canvas::reset_clip() { cairo_reset_clip(draw()); }

void Canvas::text(double x, double y, std::string_view s, Rgb c, Font f, Align align) {
  const std::string t = printable(s);
  cairo_t* cr = draw();
  set_font(cr, f);
  const double w = advance(cr, t);
  const double left = align == Align::left ? x : align == Align::centre ? x - w / 2 : x - w;
  set_colour(cr, c);
  cairo_move_to(cr, left, y + capital_height(cr));
  cairo_show_text(cr, t.c_str());
  cairo_new_path(cr);
}

cairo_surface_t* Canvas::raster() const {
  if (raster_) return raster_;
  if (!cr_) throw Error("reading a moved-from canvas");
  check(cairo_status(cr_), "drawing the picture");
  cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width_, height_);
  cairo_t* cr = cairo_create(s);
  cairo_set_source_surface(cr, recording_, 0, 0);
  cairo_paint(cr);
  const cairo_status_t status = cairo_status(cr);
  cairo_destroy(cr);
  cairo_surface_flush(s);
  if (status != CAIRO_STATUS_SUCCESS || cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    const cairo_status_t first = status != CAIRO_STATUS_SUCCESS ? status : cairo_surface_status(s);
    cairo_surface_destroy(s);
    check(first, "rendering the picture");
  }
  raster_ = s;
  return raster_;
}

std::string Canvas::encode(ImageFormat format) const {
  std::string out;
  if (format == ImageFormat::png) {
    check(cairo_surface_write_to_png_stream(raster(), append_bytes, &out), "PNG encoding");
    return out;
  }
  if (!cr_) throw Error("reading a moved-from canvas");
  check(cairo_status(cr_), "drawing the picture");
  cairo_surface_t* svg = cairo_svg_surface_create_for_stream(append_bytes, &out, width_, height_);
  // Pixels, not Cairo's default points, so that the SVG is as large as the PNG on screen.
  cairo_svg_surface_set_document_unit(svg, CAIRO_SVG_UNIT_PX);
  cairo_t* cr = cairo_create(svg);
  cairo_set_source_surface(cr, recording_, 0, 0);
  cairo_paint(cr);
  cairo_status_t status = cairo_status(cr);
  cairo_destroy(cr);
  cairo_surface_finish(svg);  // the SVG is written out here
  if (status == CAIRO_STATUS_SUCCESS) status = cairo_surface_status(svg);
  cairo_surface_destroy(svg);
  check(status, "SVG encoding");
  return out;
}

void Canvas::save(const std::filesystem::path& path) const {
  const ImageFormat format = image_format(path);
  std::string bytes;
  try {
    bytes = encode(format);
  } catch (const Error& e) {
    fail_file(path, e.what());
  }
  write_file_atomically(path, bytes);
}

Rgb Canvas::pixel(int x, int y) const {
  if (x < 0 || y < 0 || x >= width_ || y >= height_)
    throw Error("pixel (" + std::to_string(x) + ", " + std::to_string(y) + ") outside the " +
                std::to_string(width_) + "x" + std::to_string(height_) + " picture");
  cairo_surface_t* s = raster();
  const unsigned char* row = cairo_image_surface_get_data(s) +
                             static_cast<std::ptrdiff_t>(y) * cairo_image_surface_get_stride(s);
  uint32_t v;
  std::memcpy(&v, row + 4 * static_cast<std::ptrdiff_t>(x), sizeof v);
  return {static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
}

std::vector<Rgb> Canvas::pixels() const {
  std::vector<Rgb> out;
  out.reserve(static_cast<std::size_t>(width_) * height_);
  raster();
  for (int y = 0; y < height_; ++y)
    for (int x = 0; x < width_; ++x) out.push_back(pixel(x, y));
  return out;
}

}  // namespace ngsynth
