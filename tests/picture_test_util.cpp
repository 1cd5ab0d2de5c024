#include "picture_test_util.h"

#include <cairo.h>
#include <pugixml.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>

namespace ngsynth::test {

namespace {

struct Reader {
  const std::string& bytes;
  std::size_t at = 0;
};

cairo_status_t read_bytes(void* closure, unsigned char* data, unsigned int length) {
  auto* r = static_cast<Reader*>(closure);
  if (r->bytes.size() - r->at < length) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(data, r->bytes.data() + r->at, length);
  r->at += length;
  return CAIRO_STATUS_SUCCESS;
}

uint8_t percent_to_byte(double p) { return static_cast<uint8_t>(std::lround(p * 255.0 / 100.0)); }

// The colour after "fill:" in a style attribute, or the fill attribute itself.
std::optional<Rgb> fill_of(const pugi::xml_node& n) {
  const std::string style = n.attribute("style").value();
  const auto at = style.find("fill:");
  if (at != std::string::npos) return svg_colour(style.substr(at + 5));
  return svg_colour(n.attribute("fill").value());
}

void collect(const pugi::xml_node& node, ParsedSvg& out) {
  for (const pugi::xml_node& n : node.children()) {
    const std::string name = n.name();
    if (name == "symbol") continue;  // glyph outlines, placed by <use>
    if (name == "use" && std::string(n.attribute("xlink:href").value()).rfind("#glyph", 0) == 0)
      ++out.glyphs;
    if (name == "path" || name == "rect") {
      if (const auto fill = fill_of(n)) {
        SvgShape s{name, *fill};
        if (name == "path") {
          std::sscanf(n.attribute("d").value(), " M %lf %lf", &s.x, &s.y);
        } else {
          s.x = n.attribute("x").as_double();
          s.y = n.attribute("y").as_double();
        }
        out.shapes.push_back(s);
      }
    }
    collect(n, out);
  }
}

}  // namespace

int DecodedPng::count(Rgb c, int x0, int y0, int x1, int y1) const {
  int n = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) n += at(x, y) == c;
  return n;
}

DecodedPng decode_png(const std::string& bytes) {
  Reader r{bytes};
  cairo_surface_t* s = cairo_image_surface_create_from_png_stream(read_bytes, &r);
  DecodedPng d;
  if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
    cairo_surface_flush(s);
    d.width = cairo_image_surface_get_width(s);
    d.height = cairo_image_surface_get_height(s);
    const unsigned char* data = cairo_image_surface_get_data(s);
    const int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < d.height; ++y)
      for (int x = 0; x < d.width; ++x) {
        uint32_t v;
        std::memcpy(&v, data + static_cast<std::ptrdiff_t>(y) * stride + 4 * x, sizeof v);
        d.pixels.push_back({static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 8),
                            static_cast<uint8_t>(v)});
      }
  }
  cairo_surface_destroy(s);
  return d;
}

std::optional<Rgb> svg_colour(const std::string& s) {
  double r, g, b;
  if (std::sscanf(s.c_str(), " rgb(%lf%%,%lf%%,%lf%%)", &r, &g, &b) == 3)
    return Rgb{percent_to_byte(r), percent_to_byte(g), percent_to_byte(b)};
  unsigned ri, gi, bi;
  if (std::sscanf(s.c_str(), " rgb(%u,%u,%u)", &ri, &gi, &bi) == 3)
    return Rgb{static_cast<uint8_t>(ri), static_cast<uint8_t>(gi), static_cast<uint8_t>(bi)};
  unsigned x;
  if (s.size() >= 7 && s[0] == '#' && std::sscanf(s.c_str() + 1, "%6x", &x) == 1)
    return Rgb{static_cast<uint8_t>(x >> 16), static_cast<uint8_t>(x >> 8),
               static_cast<uint8_t>(x)};
  return std::nullopt;
}

int ParsedSvg::count(Rgb c) const {
  int n = 0;
  for (const SvgShape& s : shapes) n += s.fill == c;
  return n;
}

ParsedSvg parse_svg(const std::string& text) {
  ParsedSvg out;
  pugi::xml_document doc;
  if (!doc.load_string(text.c_str())) return out;
  const pugi::xml_node svg = doc.child("svg");
  if (!svg) return out;
  out.ok = true;
  out.width = svg.attribute("width").value();
  out.height = svg.attribute("height").value();
  out.view_box = svg.attribute("viewBox").value();
  collect(svg, out);
  return out;
}

}  // namespace ngsynth::test
