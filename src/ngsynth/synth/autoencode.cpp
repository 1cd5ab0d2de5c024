#include "ngsynth/synth/autoencode.h"

#include "ngsynth/model/spectral.h"
#include "ngsynth/util/error.h"

namespace ngsynth {

int class_index(const std::vector<std::string>& classes, const std::string& name) {
  for (std::size_t i = 0; i < classes.size(); ++i)
    if (classes[i] == name) return static_cast<int>(i);
  std::string valid;
  for (const auto& c : classes) valid += (valid.empty() ? "" : ", ") + c;
  throw Error("unknown class '" + name + "' (valid: " + valid + ")");
}

AutoencodeResult autoencode(GrainVae& vae, const std::vector<float>& audio,
                            std::optional<int> label, uint64_t seed,
                            const torch::Device& device) {
  torch::NoGradGuard no_grad;
  vae->eval();
  const GrainOptions& o = vae->options();
  const GrainFraming& framing = vae->framing();
  const auto length = static_cast<int64_t>(audio.size());
  const int64_t padded = framing.length_for(framing.grains_for(length));
  torch::Tensor x = torch::zeros({1, padded});
  std::copy(audio.begin(), audio.end(), x.data_ptr<float>());
  x = x.to(device);
  Posterior p = vae->encode(x);

  auto decode_with = [&](int c) {
    at::Generator gen = make_generator(seed);
    torch::Tensor labels = torch::full({1}, c, torch::kLong).to(device);
    return vae->decode(p.mu, labels, gen);
  };
  AutoencodeResult r;
  torch::Tensor y;
  if (!o.conditional || o.n_classes == 0) {
    y = decode_with(0);
  } else if (label) {
    if (*label < 0 || *label >= o.n_classes) throw Error("class index out of range");
    r.label = *label;
    y = decode_with(*label);
  } else {
    double best = 1e30;
    for (int c = 0; c < o.n_classes; ++c) {
      torch::Tensor candidate = decode_with(c);
      const double d = multiscale_spectral_distance(x, candidate, o.stft_scales, o.log_weight,
                                                    o.log_eps).total.item<double>();
      if (d < best) best = d, r.label = c, y = candidate;
    }
  }
  y = y.to(torch::kCPU).contiguous();
  r.audio.assign(y.data_ptr<float>(), y.data_ptr<float>() + length);
  return r;
}

}  // namespace ngsynth
