// What a listener notices of one sound's level, measured the same way wherever ngsynth
// compares sounds (`eval`'s level columns, the level and decay match fitted at export):
//   RMS      10 log10(mean square), dBFS
//   peak     20 log10(max |x|), dBFS
//   decay    from the loudest frame of the 10 ms RMS envelope to the last frame within
//            20 dB of it, in milliseconds (how long a hit stays loud, not its faint tail)
//   pitch    the body's pitch: the frequency of the strongest spectral peak between 30 and
//            400 Hz in the 200 ms from the loudest 10 ms frame on (Hann window, a DFT every
//            2 Hz, the peak refined by a parabola through its neighbours). What tells a
//            kick from a tom, and a tuning from another; for cymbals a number without a tone.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace ngsynth {

struct SoundLevel {
  double rms_db = 0, peak_db = 0, decay_ms = 0;
  bool silent_tail = false;  // its last 10 ms are digital zeros
};

SoundLevel measure_level(const float* x, int64_t n, int sample_rate);
double rms_db(const float* x, int64_t n);
double decay_ms(const float* x, int64_t n, int sample_rate);
// The body's pitch (not part of SoundLevel: about 1 ms a sound); NaN for silence.
double body_pitch_hz(const float* x, int64_t n, int sample_rate);
// |12 log2(a / b)|: how far apart two pitches are, in semitones.
double semitones_apart(double a_hz, double b_hz);

// A resynthesis as loud as what it rebuilds. Every grain path decodes ~2 dB under its input
// (the spectral losses weigh log magnitudes, which leave the overall level loose), so the
// paths that rebuild a given sound scale it back: `out` is multiplied by the gain that
// brings its RMS to `target_rms_db`, lowered where needed so that its peak stays at or under
// `peak_limit` (linear). Leaves `out` as it is where it or the target is silent (below -150
// dBFS) or the limit is not positive. Returns the gain applied.
float scale_to_level(std::span<float> out, double target_rms_db, double peak_limit);
// scale_to_level to the reference's RMS, with the reference's peak as the limit.
float match_level(std::span<float> out, std::span<const float> reference);

// The median of the finite values (the mean of the middle two for an even count); NaN
// for none.
double median(std::vector<double> v);

}  // namespace ngsynth
