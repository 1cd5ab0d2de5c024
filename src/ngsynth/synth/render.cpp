#include "ngsynth/synth/render.h"

#include "ngsynth/model/device.h"
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

torch::Tensor class_label(int label) { return torch::full({1}, label, torch::kLong); }

torch::Tensor class_mix(int n_classes, int a, int b, double t) {
  torch::Tensor w = torch::zeros({1, n_classes});
  if (n_classes == 0) return w;
  w[0][a] += 1.0 - t;
  w[0][b] += t;
  return w;
}

torch::Tensor sound_tensor(const GrainVae& vae, const std::vector<float>& audio) {
  const GrainFraming& framing = vae->framing();
  const auto length = static_cast<int64_t>(audio.size());
  torch::Tensor x = torch::zeros({1, framing.length_for(framing.grains_for(length))});
  std::copy(audio.begin(), audio.end(), x.data_ptr<float>());
  return x;
}

torch::Tensor encode_sound(GrainVae& vae, const std::vector<float>& audio) {
  torch::NoGradGuard no_grad;
  vae->eval();
  return vae->encode(sound_tensor(vae, audio).to(module_device(*vae))).mu;
}

std::vector<float> render_latents(GrainVae& vae, const torch::Tensor& z,
                                  const torch::Tensor& classes, uint64_t seed, int64_t length) {
  torch::NoGradGuard no_grad;
  vae->eval();
  const torch::Device device = module_device(*vae);
  at::Generator gen = make_generator(seed);
  torch::Tensor y = vae->decode(z.to(device), classes.to(device), gen).to(torch::kCPU);
  y = y.reshape({-1}).contiguous();
  std::vector<float> out(static_cast<std::size_t>(length), 0.0f);
  const int64_t n = std::min<int64_t>(length, y.numel());
  std::copy(y.data_ptr<float>(), y.data_ptr<float>() + n, out.begin());
  return out;
}

int closest_class(GrainVae& vae, const std::vector<float>& audio, uint64_t seed,
                  torch::Tensor latents) {
  const GrainOptions& o = vae->options();
  if (!o.conditional || o.n_classes == 0) return 0;
  torch::NoGradGuard no_grad;
  torch::Tensor x = sound_tensor(vae, audio);
  const torch::Tensor z = latents.defined() ? latents : encode_sound(vae, audio);
  int best_class = 0;
  double best = 1e30;
  for (int c = 0; c < o.n_classes; ++c) {
    std::vector<float> y = render_latents(vae, z, class_label(c), seed, x.size(1));
    torch::Tensor candidate = torch::from_blob(y.data(), {1, x.size(1)});
    const double d = multiscale_spectral_distance(x, candidate, o.stft_scales, o.log_weight,
                                                  o.log_eps).total.item<double>();
    if (d < best) best = d, best_class = c;
  }
  return best_class;
}

}  // namespace ngsynth
