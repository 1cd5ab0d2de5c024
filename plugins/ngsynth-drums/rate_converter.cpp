#include "rate_converter.h"

#include <samplerate.h>

#include <algorithm>
#include <string>

#include "ngsynth/util/error.h"

namespace ngsynth::drums {

RateConverter::RateConverter(int in_rate, int out_rate, Source source, void* context, int chunk_frames)
    : in_rate_(in_rate),
      out_rate_(out_rate),
      ratio_(static_cast<double>(out_rate) / in_rate),
      source_(source),
      context_(context),
      chunk_(static_cast<std::size_t>(std::max(1, chunk_frames))) {
  if (in_rate < 1000 || out_rate < 1000)
    throw Error("sample rates " + std::to_string(in_rate) + " -> " + std::to_string(out_rate) +
                " Hz: both must be at least 1000 Hz");
  if (in_rate == out_rate) return;
  int err = 0;
  src_ = src_callback_new(&RateConverter::pull, SRC_SINC_FASTEST, 1, &err, this);
  if (!src_ || src_is_valid_ratio(ratio_) == 0)
    throw Error("cannot resample " + std::to_string(in_rate) + " Hz to " + std::to_string(out_rate) +
                " Hz: " + src_strerror(err));
}

RateConverter::~RateConverter() {
  if (src_) src_delete(src_);
}

int RateConverter::lead_frames() const {
  if (!src_) return 0;
  // SRC_SINC_FASTEST's half filter spans about 20 input frames when upsampling and
  // 20 / ratio when downsampling; one chunk more is pulled at a time. Doubled for margin.
  const int half = static_cast<int>(20.0 / std::min(1.0, ratio_)) + 1;
  return 2 * (half + static_cast<int>(chunk_.size()));
}

long RateConverter::pull(void* self, float** data) {
  auto* c = static_cast<RateConverter*>(self);
  c->source_(c->context_, c->chunk_);
  *data = c->chunk_.data();
  return static_cast<long>(c->chunk_.size());
}

void RateConverter::process(std::span<float> out) noexcept {
  if (!src_) {
    source_(context_, out);
    return;
  }
  std::size_t done = 0;
  while (done < out.size()) {
    const long got = src_callback_read(src_, ratio_, static_cast<long>(out.size() - done), out.data() + done);
    if (got <= 0) break;
    done += static_cast<std::size_t>(got);
  }
  std::fill(out.begin() + static_cast<std::ptrdiff_t>(done), out.end(), 0.0f);
}

}  // namespace ngsynth::drums
