// The ngsynth-drums UI (DPF's DGL with Cairo): the latent map as an X/Y pad (drag: the
// pad_x/pad_y parameters; hold the mouse button down to hear the pad note) and one pad per
// General MIDI class (click: that class's note; the bar: its level), with the model's
// file name and the plugin's status line. Hosts without it use their generic UI; every
// control here is a parameter or a note, nothing the generic UI lacks.
// Thread: DPF calls every method on the host's UI (main) thread.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "DistrhoUI.hpp"
#include "drums_processor.h"
#include "note_map.h"

START_NAMESPACE_DISTRHO

namespace nd = ngsynth::drums;

namespace {
constexpr int kWidth = 640, kHeight = 400;
constexpr double kMargin = 16, kMap = 300, kPadW = 136, kPadH = 60;
// The note that plays each GM class (its first note in the default map) and the pad note.
constexpr uint8_t kClassNotes[] = {36, 38, 39, 42, 45, 49, 51, 60};
constexpr uint8_t kPadNote = 84;
}  // namespace

class DrumsUI : public UI {
 public:
  DrumsUI() : UI(kWidth, kHeight) {
    for (int i = 0; i < nd::kParamCount; ++i) values_[i] = nd::param_info(i).def;
  }

 protected:
  void parameterChanged(uint32_t index, float value) override {
    if (index < static_cast<uint32_t>(nd::kParamCount)) values_[index] = value;
    repaint();
  }

  void stateChanged(const char* key, const char* value) override {
    if (std::string(key) == "model") {
      model_ = value ? value : "";
      const auto slash = model_.rfind('/');
      if (slash != std::string::npos) model_ = model_.substr(slash + 1);
    }
    repaint();
  }

  void onCairoDisplay(const CairoGraphicsContext& context) override {
    cairo_t* const cr = context.handle;
    cairo_set_source_rgb(cr, 0.11, 0.12, 0.14);
    cairo_paint(cr);
    // The latent map: a square with a grid and the pad point.
    const double x0 = kMargin, y0 = kMargin + 24;
    cairo_set_source_rgb(cr, 0.17, 0.19, 0.23);
    cairo_rectangle(cr, x0, y0, kMap, kMap);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.26, 0.29, 0.34);
    cairo_set_line_width(cr, 1);
    for (int k = 1; k < 4; ++k) {
      cairo_move_to(cr, x0 + k * kMap / 4, y0), cairo_line_to(cr, x0 + k * kMap / 4, y0 + kMap);
      cairo_move_to(cr, x0, y0 + k * kMap / 4), cairo_line_to(cr, x0 + kMap, y0 + k * kMap / 4);
    }
    cairo_stroke(cr);
    const double px = x0 + values_[nd::kPadX] * kMap, py = y0 + (1.0 - values_[nd::kPadY]) * kMap;
    cairo_set_source_rgb(cr, pad_held_ ? 1.0 : 0.95, pad_held_ ? 0.55 : 0.75, 0.2);
    cairo_arc(cr, px, py, pad_held_ ? 10 : 7, 0, 2 * M_PI);
    cairo_fill(cr);
    text(cr, x0, kMargin + 14, 13, "latent map (X/Y pad)");
    // The class pads, two columns of four, each with its level as a bar.
    const double cx = x0 + kMap + 2 * kMargin;
    text(cr, cx, kMargin + 14, 13, "classes");
    for (int i = 0; i < 8; ++i) {
      const double bx = cx + (i % 2) * (kPadW + 12), by = y0 + (i / 2) * (kPadH + 12);
      const bool lit = i == lit_;
      cairo_set_source_rgb(cr, lit ? 0.45 : 0.22, lit ? 0.62 : 0.25, lit ? 0.85 : 0.3);
      cairo_rectangle(cr, bx, by, kPadW, kPadH);
      cairo_fill(cr);
      const double level = values_[nd::kLevelFirst + i] / 2.0;
      cairo_set_source_rgb(cr, 0.4, 0.8, 0.5);
      cairo_rectangle(cr, bx, by + kPadH - 6, kPadW * level, 6);
      cairo_fill(cr);
      text(cr, bx + 10, by + 26, 15, nd::kLevelGroups[static_cast<std::size_t>(i)]);
    }
    // Parameters and the model.
    char line[160];
    std::snprintf(line, sizeof line, "temperature %.2f   variation %.2f   seed %d", values_[nd::kTemperature],
                  values_[nd::kVariation], static_cast<int>(values_[nd::kSeed]));
    text(cr, cx, y0 + 4 * (kPadH + 12) + 8, 12, line);
    text(cr, x0, kHeight - 18, 12, ("model: " + (model_.empty() ? std::string("none set (silent)") : model_)).c_str());
  }

  bool onMouse(const MouseEvent& ev) override {
    if (ev.button != 1) return false;
    const double x = ev.pos.getX(), y = ev.pos.getY();
    if (ev.press && in_map(x, y)) {
      dragging_ = true;
      editParameter(nd::kPadX, true), editParameter(nd::kPadY, true);
      move_point(x, y);
      pad_held_ = true;
      sendNote(9, kPadNote, 100);
      repaint();
      return true;
    }
    if (!ev.press && dragging_) {
      dragging_ = false;
      editParameter(nd::kPadX, false), editParameter(nd::kPadY, false);
      pad_held_ = false;
      sendNote(9, kPadNote, 0);
      repaint();
      return true;
    }
    if (ev.press) {
      const int pad = class_pad(x, y);
      if (pad >= 0) {
        lit_ = pad;
        sendNote(9, kClassNotes[pad], 110);
        repaint();
        return true;
      }
    } else if (lit_ >= 0) {
      lit_ = -1;
      repaint();
    }
    return false;
  }

  bool onMotion(const MotionEvent& ev) override {
    if (!dragging_) return false;
    move_point(ev.pos.getX(), ev.pos.getY());
    return true;
  }

 private:
  static void text(cairo_t* cr, double x, double y, double size, const char* s) {
    cairo_set_source_rgb(cr, 0.85, 0.87, 0.9);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, s);
  }
  static bool in_map(double x, double y) {
    return x >= kMargin && x <= kMargin + kMap && y >= kMargin + 24 && y <= kMargin + 24 + kMap;
  }
  static int class_pad(double x, double y) {
    const double cx = kMargin + kMap + 2 * kMargin, y0 = kMargin + 24;
    for (int i = 0; i < 8; ++i) {
      const double bx = cx + (i % 2) * (kPadW + 12), by = y0 + (i / 2) * (kPadH + 12);
      if (x >= bx && x <= bx + kPadW && y >= by && y <= by + kPadH) return i;
    }
    return -1;
  }
  void move_point(double x, double y) {
    const float px = static_cast<float>(std::clamp((x - kMargin) / kMap, 0.0, 1.0));
    const float py = static_cast<float>(std::clamp(1.0 - (y - kMargin - 24) / kMap, 0.0, 1.0));
    values_[nd::kPadX] = px, values_[nd::kPadY] = py;
    setParameterValue(nd::kPadX, px);
    setParameterValue(nd::kPadY, py);
    repaint();
  }

  float values_[nd::kParamCount] = {};
  std::string model_;
  bool dragging_ = false, pad_held_ = false;
  int lit_ = -1;
  DISTRHO_DECLARE_NON_COPYABLE_WITH_LEAK_DETECTOR(DrumsUI)
};

UI* createUI() { return new DrumsUI(); }

END_NAMESPACE_DISTRHO
