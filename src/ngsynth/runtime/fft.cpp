#include "ngsynth/runtime/fft.h"

#include <kiss_fftr.h>

#include "ngsynth/util/error.h"

namespace ngsynth::rt {

static_assert(sizeof(kiss_fft_cpx) == sizeof(std::complex<float>), "complex layouts differ");

RealFft::RealFft(int64_t n) : n_(n) {
  if (n < 2 || n % 2 != 0) throw Error("real FFT: size must be even");
  forward_ = kiss_fftr_alloc(static_cast<int>(n), 0, nullptr, nullptr);
  inverse_ = kiss_fftr_alloc(static_cast<int>(n), 1, nullptr, nullptr);
  if (!forward_ || !inverse_) throw Error("real FFT: out of memory");
}

RealFft::~RealFft() {
  kiss_fftr_free(forward_);
  kiss_fftr_free(inverse_);
}

void RealFft::forward(const float* in, std::complex<float>* out) {
  kiss_fftr(static_cast<kiss_fftr_cfg>(forward_), in, reinterpret_cast<kiss_fft_cpx*>(out));
}

void RealFft::inverse(const std::complex<float>* in, float* out) {
  kiss_fftri(static_cast<kiss_fftr_cfg>(inverse_), reinterpret_cast<const kiss_fft_cpx*>(in), out);
  const float scale = 1.0f / static_cast<float>(n_);
  for (int64_t i = 0; i < n_; ++i) out[i] *= scale;
}

}  // namespace ngsynth::rt
