// Progress lines for long work: rewritten in place on a terminal, one line per update
// (rate-limited) when the output is a file or pipe, so logs stay readable.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace ngsynth {

class Progress {
 public:
  // min_interval_s: least time between two printed lines when not on a terminal.
  explicit Progress(std::FILE* out = stderr, double min_interval_s = 5.0);
  // Prints `line` now if on a terminal or if min_interval_s has passed (or force).
  void update(const std::string& line, bool force = false);
  // Ends the in-place line (if any) with a newline and prints `line`.
  void finish(const std::string& line);

 private:
  std::FILE* out_;
  bool tty_;
  double min_interval_s_;
  bool pending_newline_ = false;
  std::chrono::steady_clock::time_point last_{};
};

// "1h02m", "3m05s", "12s" — for ETAs.
std::string format_duration(double seconds);

}  // namespace ngsynth
