#include "rate_converter.h"

#include <samplerate.h>

#include <algorithm>
#include <string>

#include "ngsynth/util/error.h"

namespace ngsynth::drums {

RateConverter::RateConverter(int in_rate, int out_rate, Source source, void* context, int chunk_frames)
    : RateConverter(in_rate, out_rate, source, context, chunk_frames, -1) {}

RateConverter::RateConverter(int in_rate, int out_rate, Source source, void* context, int chunk_frames,
                             int lead)
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
  lead_ = lead >= 0 ? lead : measure_lead(in_rate, out_rate, chunk_frames);
}

RateConverter::~RateConverter() {
  if (src_) src_delete(src_);
}

int RateConverter::lead_frames() const { return lead_; }

// How far libsamplerate reads ahead depends on its internal buffer, not only on the
// filter, so it is measured: a twin converter over a counting source, driven with block
// sizes from 1 to 1031 frames, records the largest number of input frames pulled beyond
// the input position of the output produced; one chunk and 16 frames more for margin.
int RateConverter::measure_lead(int in_rate, int out_rate, int chunk_frames) {
  struct Count {
    int64_t pulled = 0;
    static void source(void* self, std::span<float> out) noexcept {
      std::fill(out.begin(), out.end(), 0.0f);
      static_cast<Count*>(self)->pulled += static_cast<int64_t>(out.size());
    }
  };
  int64_t lead = 0;
  for (int block : {1, 7, 64, 97, 256, 1031}) {
    Count count;
    RateConverter probe(in_rate, out_rate, &Count::source, &count, chunk_frames, 0);
    std::vector<float> out(static_cast<std::size_t>(block));
    int64_t produced = 0;
    while (produced < 4 * out_rate / 10) {
      probe.process(out);
      produced += block;
      const int64_t position = produced * in_rate / out_rate;
      lead = std::max(lead, count.pulled - position);
    }
  }
  return static_cast<int>(lead) + chunk_frames + 16;
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
