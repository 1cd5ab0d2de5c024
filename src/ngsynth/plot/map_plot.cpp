// Both formats share one layout (margins, plot rectangle, legend entries, label strings),
// computed once; the PNG renderer draws it with PngImage's 5x7 font, the SVG renderer
// writes the same elements as text, sizes chosen to look alike.
#include "ngsynth/plot/map_plot.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <numeric>

#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"

namespace ngsynth {

namespace {

constexpr Rgb kPalette[] = {
    {31, 119, 180},  {255, 127, 14},  {44, 160, 44},  {214, 39, 40},
    {148, 103, 189}, {140, 86, 75},   {227, 119, 194}, {127, 127, 127},
    {188, 189, 34},  {23, 190, 207},  {26, 35, 126},  {230, 180, 0},
};
constexpr Rgb kBackground{255, 255, 255}, kInk{40, 40, 40}, kFrame{90, 90, 90},
    kGrid{228, 228, 228};
constexpr int kMinWidth = 300, kMinHeight = 200;
constexpr int kEntryHeight = 14, kSwatch = 10, kLegendGap = 20;
constexpr uint64_t kShuffleSeed = 0x6e6773796e74686bULL;  // any fixed value

struct LegendEntry {
  std::string label;  // "name (count)"
  Rgb colour;
};

struct Layout {
  int width = 0, height = 0;
  int left = 0, top = 0, right = 0, bottom = 0;  // plot rectangle, right/bottom exclusive
  int legend_x = 0;
  std::string title, x_label, y_label;
  std::string x_ticks[3], y_ticks[3];  // min, middle, max
  std::vector<LegendEntry> legend;
  std::vector<std::size_t> order;      // drawing order of the points

  // Map coordinates -> picture coordinates (fractional).
  double px(const LatentMap& m, float x) const {
    return left + (x - m.x_min) / double(m.x_max - m.x_min) * (right - left - 1);
  }
  double py(const LatentMap& m, float y) const {
    return top + (m.y_max - y) / double(m.y_max - m.y_min) * (bottom - top - 1);
  }
};

std::string format(const char* pattern, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, pattern, v);
  return buf;
}

std::string axis_label(const char* name, float fraction) {
  const double percent = 100.0 * fraction;
  return std::string(name) + " (" + format(percent >= 9.95 ? "%.0f" : "%.1f", percent) +
         "% of variance)";
}

std::string class_name(const std::vector<std::string>& names, int c) {
  return c < static_cast<int>(names.size()) ? names[c] : "class " + std::to_string(c);
}

Layout make_layout(const LatentMap& m, const std::vector<std::string>& names,
                   const std::string& title, int width, int height) {
  if (m.empty()) throw Error("cannot draw an empty latent map");
  if (width < kMinWidth || height < kMinHeight || width > 16384 || height > 16384)
    throw Error("latent map picture size " + std::to_string(width) + "x" +
                std::to_string(height) + " out of range " + std::to_string(kMinWidth) + "x" +
                std::to_string(kMinHeight) + "..16384x16384");
  if (m.xy.size() != 2 * m.point_class.size())
    throw Error("latent map: " + std::to_string(m.xy.size()) + " coordinates for " +
                std::to_string(m.point_class.size()) + " points");
  Layout l;
  l.width = width;
  l.height = height;
  l.title = title;
  l.x_label = axis_label("PC1", m.explained.size() > 0 ? m.explained[0] : 0.f);
  l.y_label = axis_label("PC2", m.explained.size() > 1 ? m.explained[1] : 0.f);
  const float xs[3] = {m.x_min, (m.x_min + m.x_max) / 2, m.x_max};
  const float ys[3] = {m.y_min, (m.y_min + m.y_max) / 2, m.y_max};
  for (int i = 0; i < 3; ++i) {
    l.x_ticks[i] = format("%.3g", xs[i]);
    l.y_ticks[i] = format("%.3g", ys[i]);
  }

  // Every named class, and any other class that has points.
  std::map<int, std::size_t> counts;
  for (int c = 0; c < static_cast<int>(names.size()); ++c) counts[c] = 0;
  for (int c : m.point_class) {
    if (c < 0) throw Error("latent map: negative class " + std::to_string(c));
    ++counts[c];
  }
  // The legend takes at most a third of the width; longer names are cut.
  const std::size_t max_chars =
      static_cast<std::size_t>((width / 3 - kSwatch - 6) / PngImage::kAdvance);
  int legend_width = 0;
  for (const auto& [c, count] : counts) {
    std::string label = class_name(names, c) + " (" + std::to_string(count) + ")";
    if (label.size() > max_chars) label = label.substr(0, max_chars - 3) + "...";
    legend_width = std::max(legend_width, kSwatch + 6 + PngImage::text_width(label));
    l.legend.push_back({label, class_colour(c)});
  }

  l.left = 64;
  l.top = 44;
  l.bottom = height - 46;
  l.right = width - (legend_width > 0 ? legend_width + 2 * kLegendGap : 20);
  l.legend_x = l.right + kLegendGap;
  // Too many classes for the height: the last line says how many are left out.
  const std::size_t rows = static_cast<std::size_t>((l.bottom - l.top) / kEntryHeight);
  if (l.legend.size() > rows && rows > 0) {
    const std::size_t hidden = l.legend.size() - (rows - 1);
    l.legend.resize(rows - 1);
    l.legend.push_back({"+" + std::to_string(hidden) + " more classes", kInk});
  }

  l.order.resize(m.point_class.size());
  std::iota(l.order.begin(), l.order.end(), std::size_t{0});
  for (std::size_t i = l.order.size(); i > 1; --i) {
    const uint64_t r = mix_seed(kShuffleSeed, i);
    std::swap(l.order[i - 1], l.order[static_cast<std::size_t>(
                                  (static_cast<unsigned __int128>(r) * i) >> 64)]);
  }
  return l;
}

bool inside_range(const LatentMap& m, float x, float y) {
  return x >= m.x_min && x <= m.x_max && y >= m.y_min && y <= m.y_max;
}

// --- PNG ---

void draw_png(const LatentMap& m, const Layout& l, const std::filesystem::path& out) {
  PngImage img(l.width, l.height, kBackground);
  const int w = l.right - l.left, h = l.bottom - l.top;
  // Zero lines, where they fall inside the range.
  if (m.x_min < 0 && m.x_max > 0) {
    const int x0 = static_cast<int>(l.px(m, 0) + 0.5);
    img.line(x0, l.top, x0, l.bottom - 1, kGrid);
  }
  if (m.y_min < 0 && m.y_max > 0) {
    const int y0 = static_cast<int>(l.py(m, 0) + 0.5);
    img.line(l.left, y0, l.right - 1, y0, kGrid);
  }
  for (std::size_t i : l.order) {
    const float x = m.xy[2 * i], y = m.xy[2 * i + 1];
    if (!inside_range(m, x, y)) continue;
    const int cx = static_cast<int>(l.px(m, x) + 0.5), cy = static_cast<int>(l.py(m, y) + 0.5);
    const Rgb c = class_colour(m.point_class[i]);
    for (int dy = -1; dy <= 1; ++dy)  // a radius-1 dot, clipped to the plot rectangle
      for (int dx = -1; dx <= 1; ++dx)
        if (dx * dy == 0 && cx + dx >= l.left && cx + dx < l.right && cy + dy >= l.top &&
            cy + dy < l.bottom)
          img.set(cx + dx, cy + dy, c);
  }
  // Frame and tick marks just outside the plot rectangle.
  img.line(l.left - 1, l.top - 1, l.right, l.top - 1, kFrame);
  img.line(l.left - 1, l.bottom, l.right, l.bottom, kFrame);
  img.line(l.left - 1, l.top - 1, l.left - 1, l.bottom, kFrame);
  img.line(l.right, l.top - 1, l.right, l.bottom, kFrame);
  for (int i = 0; i < 3; ++i) {
    const int tx = l.left + i * (w - 1) / 2, ty = l.bottom - 1 - i * (h - 1) / 2;
    img.line(tx, l.bottom, tx, l.bottom + 3, kFrame);
    const int tw = PngImage::text_width(l.x_ticks[i]);
    img.text(std::clamp(tx - tw / 2, 0, l.width - tw), l.bottom + 7, l.x_ticks[i], kInk);
    img.line(l.left - 4, ty, l.left - 1, ty, kFrame);
    const int yw = PngImage::text_width(l.y_ticks[i]);
    img.text(std::max(l.left - 7 - yw, 0), ty - 3, l.y_ticks[i], kInk);
  }
  img.text(l.left + (w - PngImage::text_width(l.x_label)) / 2, l.bottom + 24, l.x_label, kInk);
  img.text(l.left, l.top - 14, l.y_label, kInk);
  img.text(std::max((l.width - PngImage::text_width(l.title, 2)) / 2, 0), 8, l.title, kInk, 2);
  int y = l.top;
  for (const auto& e : l.legend) {
    img.fill_rect(l.legend_x, y, kSwatch, kSwatch, e.colour);
    img.text(l.legend_x + kSwatch + 6, y + 1, e.label, kInk);
    y += kEntryHeight;
  }
  img.save(out);
}

// --- SVG ---

std::string escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control characters are not allowed in XML 1.0.
        out += (static_cast<unsigned char>(ch) < 0x20) ? '?' : ch;
    }
  }
  return out;
}

std::string hex(Rgb c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.r, c.g, c.b);
  return buf;
}

std::string num(double v) { return format("%.1f", v); }

std::string svg_text(double x, double y, const std::string& s, const char* anchor,
                     int size = 12, const std::string& extra = "") {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor +
         "\" font-size=\"" + std::to_string(size) + "\"" + extra + ">" + escape(s) +
         "</text>\n";
}

std::string svg_line(double x0, double y0, double x1, double y1, Rgb c) {
  return "<line x1=\"" + num(x0) + "\" y1=\"" + num(y0) + "\" x2=\"" + num(x1) + "\" y2=\"" +
         num(y1) + "\" stroke=\"" + hex(c) + "\"/>\n";
}

void draw_svg(const LatentMap& m, const Layout& l, const std::filesystem::path& out) {
  const int w = l.right - l.left, h = l.bottom - l.top;
  const std::string W = std::to_string(l.width), H = std::to_string(l.height);
  std::string s;
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + W + "\" height=\"" + H +
       "\" viewBox=\"0 0 " + W + " " + H + "\" font-family=\"sans-serif\" fill=\"" +
       hex(kInk) + "\">\n";
  s += "<style>";
  const std::size_t n_styles = std::size(kPalette);
  for (std::size_t i = 0; i < n_styles; ++i)
    s += ".c" + std::to_string(i) + "{fill:" + hex(kPalette[i]) + "}";
  s += "</style>\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"" + hex(kBackground) + "\"/>\n";
  s += "<clipPath id=\"plot\"><rect x=\"" + std::to_string(l.left) + "\" y=\"" +
       std::to_string(l.top) + "\" width=\"" + std::to_string(w) + "\" height=\"" +
       std::to_string(h) + "\"/></clipPath>\n";
  if (m.x_min < 0 && m.x_max > 0)
    s += svg_line(l.px(m, 0), l.top, l.px(m, 0), l.bottom, kGrid);
  if (m.y_min < 0 && m.y_max > 0)
    s += svg_line(l.left, l.py(m, 0), l.right, l.py(m, 0), kGrid);
  s += "<g clip-path=\"url(#plot)\">\n";
  for (std::size_t i : l.order) {
    const float x = m.xy[2 * i], y = m.xy[2 * i + 1];
    if (!inside_range(m, x, y)) continue;
    s += "<circle cx=\"" + num(l.px(m, x)) + "\" cy=\"" + num(l.py(m, y)) +
         "\" r=\"1.5\" class=\"c" + std::to_string(m.point_class[i] % n_styles) + "\"/>\n";
  }
  s += "</g>\n";
  s += "<rect x=\"" + num(l.left - 0.5) + "\" y=\"" + num(l.top - 0.5) + "\" width=\"" +
       std::to_string(w) + "\" height=\"" + std::to_string(h) + "\" fill=\"none\" stroke=\"" +
       hex(kFrame) + "\"/>\n";
  for (int i = 0; i < 3; ++i) {
    const double tx = l.left + i * (w - 1) / 2.0, ty = l.bottom - 1 - i * (h - 1) / 2.0;
    s += svg_line(tx, l.bottom, tx, l.bottom + 4, kFrame);
    s += svg_text(tx, l.bottom + 16, l.x_ticks[i], "middle", 11);
    s += svg_line(l.left - 5, ty, l.left - 1, ty, kFrame);
    s += svg_text(l.left - 8, ty + 4, l.y_ticks[i], "end", 11);
  }
  s += svg_text(l.left + w / 2.0, l.bottom + 36, l.x_label, "middle");
  const double yx = 16, yy = l.top + h / 2.0;
  s += svg_text(yx, yy, l.y_label, "middle", 12,
                " transform=\"rotate(-90 " + num(yx) + " " + num(yy) + ")\"");
  s += svg_text(l.width / 2.0, 26, l.title, "middle", 16, " font-weight=\"bold\"");
  int y = l.top;
  for (const auto& e : l.legend) {
    s += "<rect x=\"" + std::to_string(l.legend_x) + "\" y=\"" + std::to_string(y) +
         "\" width=\"" + std::to_string(kSwatch) + "\" height=\"" + std::to_string(kSwatch) +
         "\" fill=\"" + hex(e.colour) + "\"/>\n";
    s += svg_text(l.legend_x + kSwatch + 6, y + 9, e.label, "start", 11);
    y += kEntryHeight;
  }
  s += "</svg>\n";
  write_file_atomically(out, s);
}

}  // namespace

Rgb class_colour(int index) {
  const int n = static_cast<int>(std::size(kPalette));
  return kPalette[((index % n) + n) % n];
}

void draw_latent_map_png(const LatentMap& m, const std::vector<std::string>& class_names,
                         const std::filesystem::path& out, const std::string& title, int width,
                         int height) {
  draw_png(m, make_layout(m, class_names, title, width, height), out);
}

void draw_latent_map_svg(const LatentMap& m, const std::vector<std::string>& class_names,
                         const std::filesystem::path& out, const std::string& title, int width,
                         int height) {
  draw_svg(m, make_layout(m, class_names, title, width, height), out);
}

void draw_latent_map(const LatentMap& m, const std::vector<std::string>& class_names,
                     const std::filesystem::path& out, const std::string& title) {
  std::string ext = out.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".png") return draw_latent_map_png(m, class_names, out, title);
  if (ext == ".svg") return draw_latent_map_svg(m, class_names, out, title);
  fail_file(out, (ext.empty() ? std::string("no picture extension")
                              : "unknown picture extension '" + out.extension().string() + "'") +
                     " (valid: .png, .svg)");
}

}  // namespace ngsynth
