// The offline render of a pattern: its loops through the engine's offline rendering.
#include "ngsynth/live/pattern_render.h"

#include <algorithm>

#include "ngsynth/util/error.h"

namespace ngsynth::live {
using detail::kMaxLoops;

// ---------------------------------------------------------------- offline

std::vector<float> render_pattern(const Pattern& pattern, Instrument& instrument, int loops, LoopTail tail) {
  if (loops < 1 || loops > kMaxLoops)
    throw Error("render_pattern: loops " + std::to_string(loops) + " is outside 1..1000");
  DrumMachine dm(instrument, pattern);
  const int rate = dm.sample_rate();
  const std::vector<TimedNote> notes = dm.notes(loops);
  const int64_t length = loop_frames(pattern, rate, loops);
  const int64_t longest = std::max<int64_t>(1, dm.longest_buffer());

  EngineOptions o;
  o.sample_rate = rate;
  o.max_note_frames = static_cast<int>(std::min<int64_t>(longest, 1 << 24));
  o.latency_frames = 1024;
  o.max_streams = 0;
  // Enough voices that nothing is stolen: the largest number of notes sounding at once.
  // Notes are sorted by frame (notes() emits them in time order).
  std::vector<int64_t> ends;
  int overlap = 0;
  std::size_t window = 0, first = 0;
  for (std::size_t i = 0; i < notes.size(); ++i) {
    const int64_t f = notes[i].frame;
    ends.erase(std::remove_if(ends.begin(), ends.end(), [&](int64_t e) { return e <= f; }), ends.end());
    ends.push_back(f + longest);
    overlap = std::max(overlap, static_cast<int>(ends.size()));
    while (notes[first].frame + o.latency_frames < f) ++first;
    window = std::max(window, i - first + 1);
  }
  o.max_voices = std::clamp(overlap, 1, 1024);
  o.note_buffers = o.max_voices + static_cast<int>(std::min<std::size_t>(window, 4096)) + 2;
  const int64_t frames = length + longest;
  std::vector<float> out = render_offline(o, dm.renderer(), notes, frames);
  switch (tail) {
    case LoopTail::append:
      break;
    case LoopTail::cut:
      out.resize(static_cast<std::size_t>(length));
      break;
    case LoopTail::wrap:
      for (int64_t i = length; i < frames; ++i) out[static_cast<std::size_t>(i % length)] += out[static_cast<std::size_t>(i)];
      out.resize(static_cast<std::size_t>(length));
      break;
  }
  return out;
}

}  // namespace ngsynth::live
