// Real FFTs of one size for the runtime, over kissfft (Debian libkissfft-dev, BSD-3-Clause).
// Why kissfft and not FFTW: FFTW is GPL, which would bind every plugin binary built on the
// runtime to the GPL, and its planner is not thread-safe; kissfft is permissive, plans
// nothing, and at grain sizes (256 to 2048) its cost is a small part of a grain's (the
// decoder MLP is ~30x more arithmetic). A kissfft real-FFT state holds a scratch buffer,
// so each RealFft belongs to one thread (one voice, stream or render) at a time.
#pragma once

#include <complex>
#include <cstdint>

namespace ngsynth::rt {

class RealFft {
 public:
  explicit RealFft(int64_t n);  // n even
  ~RealFft();
  RealFft(const RealFft&) = delete;
  RealFft& operator=(const RealFft&) = delete;

  int64_t size() const { return n_; }
  // n samples -> n/2 + 1 bins (unnormalised, as numpy/LibTorch rfft).
  void forward(const float* in, std::complex<float>* out);
  // n/2 + 1 bins -> n samples, normalised by 1/n (as irfft); the imaginary parts of the
  // first and last bins are ignored.
  void inverse(const std::complex<float>* in, float* out);

 private:
  int64_t n_;
  void* forward_;
  void* inverse_;
};

}  // namespace ngsynth::rt
