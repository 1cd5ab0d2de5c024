// Sample-rate conversion with libsamplerate (Secret Rabbit Code, band-limited sinc
// interpolation, E. de Castro Lopo). The medium-quality converter keeps 97 dB of
// stop-band rejection and a 90 % pass band, ample for one-shot training material, at a
// fraction of the best converter's cost. Identity (a plain copy) when the rates match.
#pragma once

#include <span>
#include <vector>

namespace ngsynth {

// Resamples mono samples from from_rate to to_rate (Hz). The output holds about
// round(n * to_rate / from_rate) samples. Throws Error for rates outside 1..768000 or a
// ratio libsamplerate cannot handle (beyond 256:1).
std::vector<float> resample(std::span<const float> samples, int from_rate, int to_rate);

}  // namespace ngsynth
