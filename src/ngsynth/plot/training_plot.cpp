#include "ngsynth/plot/training_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ngsynth/plot/canvas.h"

namespace ngsynth {

namespace {

struct Series {
  std::vector<double> x, y;
  Rgb colour;
  const char* label;
};

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, v >= 100 ? "%.0f" : "%.2f", v);
  return buf;
}

}  // namespace

bool plot_training_log(const std::filesystem::path& log_path,
                       const std::filesystem::path& png_path) {
  Series train{{}, {}, {70, 110, 200}, "training loss"};
  Series test{{}, {}, {220, 90, 40}, "test loss"};
  // Event stages: sampled events heard as their class, on a linear 0..100 % right axis.
  Series heard{{}, {}, {40, 160, 80}, "samples heard as class"};
  std::ifstream in(log_path);
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("step")) continue;
    if (j.value("kind", "") == "train" && j.contains("loss")) {
      train.x.push_back(j["step"].get<double>());
      train.y.push_back(j["loss"].get<double>());
    } else if (j.value("kind", "") == "test" && (j.contains("loss") || j.contains("mss"))) {
      test.x.push_back(j["step"].get<double>());
      test.y.push_back(j.contains("loss") ? j["loss"].get<double>() : j["mss"].get<double>());
      if (j.contains("sampled_accuracy") && j["sampled_accuracy"].is_number()) {
        heard.x.push_back(j["step"].get<double>());
        heard.y.push_back(j["sampled_accuracy"].get<double>());
      }
    }
  }
  if (train.x.size() + test.x.size() < 2) return false;

  const int w = 720, h = 400, left = 60, right = heard.x.empty() ? 20 : 50, top = 30,
            bottom = 40;
  double x_max = 1, y_min = 1e30, y_max = -1e30;
  for (const Series* s : {&train, &test})
    for (std::size_t i = 0; i < s->x.size(); ++i) {
      x_max = std::max(x_max, s->x[i]);
      y_min = std::min(y_min, s->y[i]);
      y_max = std::max(y_max, s->y[i]);
    }
  // Logarithmic y axis: losses fall by orders of magnitude early and by percents late.
  y_min = std::max(y_min, 1e-6);
  if (y_max / y_min < 1.01) y_max = y_min * 1.01;
  const auto px = [&](double x) { return left + (w - left - right) * x / x_max; };
  const auto py = [&](double y) {
    const double f = std::log(y_max / std::max(y, y_min)) / std::log(y_max / y_min);
    return top + (h - top - bottom) * f;
  };
  const auto pa = [&](double a) { return top + (h - top - bottom) * (1 - a); };
  const auto curve = [&](const Series& s, auto to_y) {
    std::vector<Point> points;
    for (std::size_t i = 0; i < s.x.size(); ++i) points.push_back({px(s.x[i]), to_y(s.y[i])});
    return points;
  };

  Canvas img(w, h);
  const Rgb axis{60, 60, 60};
  const double cap = cap_height();
  img.fill_rect(left, top, 1, h - bottom - top + 1, axis);
  img.fill_rect(left, h - bottom, w - right - left + 1, 1, axis);
  img.text(4, top - cap / 2, number(y_max), axis);
  img.text(4, h - bottom - cap / 2, number(y_min), axis);
  const double y_mid = std::sqrt(y_min * y_max);
  img.text(4, py(y_mid) - cap / 2, number(y_mid), axis);
  img.fill_rect(left - 4, std::floor(py(y_mid)), 4, 1, axis);
  img.text(left + 6, 8, "log scale", axis);
  img.text(left, h - bottom + 8, "0", axis);
  img.text(w - right, h - bottom + 8, number(x_max) + " steps", axis, {}, Align::right);
  // The legend: one row above the plot, ending at its right edge, so that no curve (the
  // accuracy runs along the top at 100 %) passes under it.
  std::vector<const Series*> shown = {&train, &test};
  if (!heard.x.empty()) shown.push_back(&heard);
  const auto entry_width = [&](const Series& s) { return 20 + text_width(s.label) + 16; };
  double legend_x = w - right;
  for (const Series* s : shown) legend_x -= entry_width(*s);
  const auto legend = [&](const Series& s) {
    img.fill_rect(legend_x + 16, 8, 14, 8, s.colour);
    img.text(legend_x + 36, 8 + (8 - cap) / 2, s.label, axis);
    legend_x += entry_width(s);
  };
  for (const Series* s : {&train, &test}) {
    img.polyline(curve(*s, py), s->colour, 2);
    for (std::size_t i = 0; i < s->x.size() && s == &test; ++i)
      img.fill_circle(px(s->x[i]), py(s->y[i]), 3, s->colour);
    legend(*s);
  }
  if (!heard.x.empty()) {
    img.fill_rect(w - right, top, 1, h - bottom - top + 1, axis);
    img.text(w - right + 4, top - cap / 2, "100%", axis);
    img.text(w - right + 4, h - bottom - cap / 2, "0%", axis);
    img.polyline(curve(heard, pa), heard.colour, 2);
    for (std::size_t i = 0; i < heard.x.size(); ++i)
      img.fill_circle(px(heard.x[i]), pa(heard.y[i]), 3, heard.colour);
    legend(heard);
  }
  img.save(png_path);
  return true;
}

}  // namespace ngsynth
