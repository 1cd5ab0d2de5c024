// The layout (margins, plot rectangle, legend entries, label strings) is computed first,
// from the text's measured widths, and then drawn on one Canvas, whichever the format.
#include "ngsynth/plot/map_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>

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
constexpr double kDotRadius = 1.6;
constexpr Font kTickFont{10}, kLabelFont{11}, kLegendFont{10}, kTitleFont{18, true};
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
  l.title = elide(title, width - 16, kTitleFont);  // a long title is cut, not clipped
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
  const double max_label = width / 3 - kSwatch - 6;
  int legend_width = 0;
  for (const auto& [c, count] : counts) {
    const std::string label = elide(class_name(names, c) + " (" + std::to_string(count) + ")",
                                    max_label, kLegendFont);
    legend_width = std::max(
        legend_width, kSwatch + 6 + static_cast<int>(std::ceil(text_width(label, kLegendFont))));
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

void draw(Canvas& img, const LatentMap& m, const Layout& l) {
  const int w = l.right - l.left, h = l.bottom - l.top;
  // Zero lines, where they fall inside the range.
  if (m.x_min < 0 && m.x_max > 0) img.fill_rect(std::floor(l.px(m, 0) + 0.5), l.top, 1, h, kGrid);
  if (m.y_min < 0 && m.y_max > 0) img.fill_rect(l.left, std::floor(l.py(m, 0) + 0.5), w, 1, kGrid);
  img.clip(l.left, l.top, w, h);
  for (std::size_t i : l.order) {
    const float x = m.xy[2 * i], y = m.xy[2 * i + 1];
    if (!inside_range(m, x, y)) continue;
    // Centred on the pixel the point falls in.
    img.fill_circle(std::floor(l.px(m, x) + 0.5) + 0.5, std::floor(l.py(m, y) + 0.5) + 0.5,
                    kDotRadius, class_colour(m.point_class[i]));
  }
  img.reset_clip();
  // Frame and tick marks just outside the plot rectangle.
  img.stroke_rect(l.left - 0.5, l.top - 0.5, w + 1, h + 1, kFrame);
  const double tick_cap = cap_height(kTickFont);
  for (int i = 0; i < 3; ++i) {
    const int tx = l.left + i * (w - 1) / 2, ty = l.bottom - 1 - i * (h - 1) / 2;
    img.fill_rect(tx, l.bottom + 1, 1, 4, kFrame);
    const double tw = text_width(l.x_ticks[i], kTickFont);
    img.text(std::clamp(tx + 0.5 - tw / 2, 0.0, l.width - tw), l.bottom + 9, l.x_ticks[i], kInk,
             kTickFont);
    img.fill_rect(l.left - 5, ty, 4, 1, kFrame);
    img.text(l.left - 8, ty + 0.5 - tick_cap / 2, l.y_ticks[i], kInk, kTickFont, Align::right);
  }
  img.text(l.left + w / 2.0, l.bottom + 26, l.x_label, kInk, kLabelFont, Align::centre);
  img.text(l.left, l.top - 15, l.y_label, kInk, kLabelFont);
  img.text(l.width / 2.0, 9, l.title, kInk, kTitleFont, Align::centre);
  const double legend_cap = cap_height(kLegendFont);
  int y = l.top;
  for (const auto& e : l.legend) {
    img.fill_rect(l.legend_x, y, kSwatch, kSwatch, e.colour);
    img.text(l.legend_x + kSwatch + 6, y + (kSwatch - legend_cap) / 2, e.label, kInk, kLegendFont);
    y += kEntryHeight;
  }
}

}  // namespace

Rgb class_colour(int index) {
  const int n = static_cast<int>(std::size(kPalette));
  return kPalette[((index % n) + n) % n];
}

Canvas latent_map_picture(const LatentMap& m, const std::vector<std::string>& class_names,
                          const std::string& title, int width, int height) {
  const Layout l = make_layout(m, class_names, title, width, height);
  Canvas img(l.width, l.height, kBackground);
  draw(img, m, l);
  return img;
}

void draw_latent_map(const LatentMap& m, const std::vector<std::string>& class_names,
                     const std::filesystem::path& out, const std::string& title) {
  image_format(out);  // a bad extension fails before the drawing
  latent_map_picture(m, class_names, title).save(out);
}

}  // namespace ngsynth
