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

std::vector<float> class_weights(const GrainOptions& o, const torch::Tensor& classes) {
  const int n = o.conditional ? o.n_classes : 0;
  std::vector<float> w(static_cast<std::size_t>(n), 0.0f);
  if (n == 0) return w;
  const torch::Tensor c = classes.to(torch::kCPU).contiguous();
  if (c.is_floating_point()) {
    if (c.numel() != n) throw Error("class weights: expected " + std::to_string(n) + " values");
    const torch::Tensor f = c.to(torch::kFloat32).reshape({-1}).contiguous();
    std::copy(f.data_ptr<float>(), f.data_ptr<float>() + n, w.begin());
  } else {
    if (c.numel() != 1) throw Error("class label: expected one class");
    const int64_t label = c.reshape({-1})[0].item<int64_t>();
    if (label < 0 || label >= n) throw Error("class index " + std::to_string(label) + " out of range");
    w[label] = 1.0f;
  }
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
  const torch::Tensor zc = z.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  TORCH_CHECK(zc.dim() == 3 && zc.size(0) == 1 && zc.size(2) == vae->options().z_dim,
              "render: expected a (1, grains, ", vae->options().z_dim, ") series");
  const std::vector<float> w = class_weights(vae->options(), classes);
  return vae->runtime_decoder().render(zc.data_ptr<float>(), zc.size(1), w.data(), seed, length);
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
