// One call of src_simple per sound: prepare works on whole files, so the streaming API
// (and its state between blocks) would add nothing.
#include "ngsynth/audio/resample.h"

#include <samplerate.h>

#include <cmath>
#include <string>

#include "ngsynth/util/error.h"

namespace ngsynth {

std::vector<float> resample(std::span<const float> samples, int from_rate, int to_rate) {
  if (from_rate < 1 || to_rate < 1 || from_rate > 768000 || to_rate > 768000)
    throw Error("resample: invalid sample rates " + std::to_string(from_rate) + " -> " +
                std::to_string(to_rate));
  if (from_rate == to_rate || samples.empty())
    return std::vector<float>(samples.begin(), samples.end());

  const double ratio = static_cast<double>(to_rate) / from_rate;
  if (src_is_valid_ratio(ratio) == 0)
    throw Error("resample: ratio " + std::to_string(from_rate) + " -> " +
                std::to_string(to_rate) + " is beyond libsamplerate's 256:1");
  // A little headroom: the converter may emit a sample more than the rounded length.
  const auto capacity = static_cast<long>(std::ceil(samples.size() * ratio)) + 16;
  std::vector<float> out(static_cast<std::size_t>(capacity));

  SRC_DATA data{};
  data.data_in = samples.data();
  data.input_frames = static_cast<long>(samples.size());
  data.data_out = out.data();
  data.output_frames = capacity;
  data.src_ratio = ratio;
  const int err = src_simple(&data, SRC_SINC_MEDIUM_QUALITY, 1);
  if (err != 0) throw Error(std::string("resample: ") + src_strerror(err));
  out.resize(static_cast<std::size_t>(data.output_frames_gen));
  return out;
}

}  // namespace ngsynth
