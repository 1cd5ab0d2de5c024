#include "ngsynth/util/progress.h"

#include <unistd.h>

#include <cmath>

namespace ngsynth {

Progress::Progress(std::FILE* out, double min_interval_s)
    : out_(out), tty_(::isatty(::fileno(out)) != 0), min_interval_s_(min_interval_s) {}

void Progress::update(const std::string& line, bool force) {
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_).count();
  if (tty_) {
    if (!force && since < 0.1) return;
    std::fprintf(out_, "\r\033[K%s", line.c_str());
    pending_newline_ = true;
  } else {
    if (!force && since < min_interval_s_) return;
    std::fprintf(out_, "%s\n", line.c_str());
  }
  std::fflush(out_);
  last_ = now;
}

void Progress::finish(const std::string& line) {
  if (pending_newline_) std::fprintf(out_, "\r\033[K");
  pending_newline_ = false;
  std::fprintf(out_, "%s\n", line.c_str());
  std::fflush(out_);
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}

}  // namespace ngsynth
