// Conditioning of one-shot sounds into fixed-length training events: DC removal, a
// high-pass against rumble (2nd-order Butterworth biquad from R. Bristow-Johnson's "Audio
// EQ Cookbook", bilinear transform with pre-warping), onset detection by a threshold
// relative to the peak, a silence test, cropping (with a raised-cosine fade-out) or
// zero-padding to the event length, and peak normalisation. Pure functions on spans, so
// each step is testable alone; prepare chains them.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace ngsynth {

// Subtracts the mean, so the high-pass that follows starts without a step.
void remove_dc(std::span<float> x) noexcept;

// Normalised biquad coefficients (a0 = 1).
struct Biquad {
  double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0;
};

// 2nd-order Butterworth high-pass (Q = 1/sqrt(2)): -3.01 dB at cutoff_hz, -12 dB/octave
// below. Throws Error unless 0 < cutoff_hz < sample_rate / 2.
Biquad butterworth_highpass(double cutoff_hz, int sample_rate);

// Filters in place (transposed direct form II, double-precision state, starting at rest).
void apply_biquad(const Biquad& q, std::span<float> x) noexcept;

// High-passes in place; cutoff_hz <= 0 leaves x unchanged.
void highpass(std::span<float> x, double cutoff_hz, int sample_rate);

float peak_abs(std::span<const float> x) noexcept;
// 20 log10(a); -inf for 0.
double amplitude_to_db(double amplitude) noexcept;
// True when the peak is below silence_db dBFS (an empty span is silent).
bool is_silent(std::span<const float> x, double silence_db) noexcept;

// Where an event starts: the first sample whose |x| is within onset_db (negative) of the
// peak, moved back by preroll samples, clamped to 0. 0 for silence.
std::size_t find_onset(std::span<const float> x, double onset_db, std::size_t preroll) noexcept;

// Exactly `length` samples of x from `start`. When the sound goes on past the end, the last
// `fade` samples are faded out (raised cosine) so the cut does not click; when it is
// shorter, the rest is zeros.
std::vector<float> crop_or_pad(std::span<const float> x, std::size_t start, std::size_t length,
                               std::size_t fade);

// Scales so the peak is `level`; silence (peak 0) is left unchanged.
void normalize_peak(std::span<float> x, double level) noexcept;

// Milliseconds to a whole number of samples (rounded).
std::size_t ms_to_samples(double ms, int sample_rate) noexcept;

}  // namespace ngsynth
