#include "ngsynth/model/grain_vae.h"

#include "ngsynth/audio/fir.h"
#include "ngsynth/model/runtime_weights.h"
#include "ngsynth/util/error.h"

namespace ngsynth {
namespace nn = torch::nn;

namespace {

// The post-filter without autograd on the CPU: a direct FIR (audio/fir.h) instead of
// LibTorch's one-channel Conv1d, which is 20-50x slower at inference.
torch::Tensor post_filter_direct(const torch::Tensor& audio, const torch::Tensor& weight) {
  const torch::Tensor x = audio.contiguous(), w = weight.contiguous();
  torch::Tensor y = torch::empty_like(x);
  const int64_t length = x.size(1);
  for (int64_t i = 0; i < x.size(0); ++i)
    fir_same(x.data_ptr<float>() + i * length, y.data_ptr<float>() + i * length, length,
             w.data_ptr<float>(), w.numel());
  return y;
}

}  // namespace

GrainVaeImpl::GrainVaeImpl(GrainOptions options)
    : options_(std::move(options)),
      framing_(options_.grain, options_.hop, options_.flat_edges) {
  options_.validate();
  if (options_.encoder == Encoder::conv)
    conv_encoder_ = register_module("encoder", ConvEncoder(options_));
  else
    spectral_encoder_ = register_module("encoder", SpectralEncoder(options_));
  decoder_ = register_module("decoder", NoiseDecoder(options_));
  if (options_.post_filter_taps > 0) {
    const int64_t taps = options_.post_filter_taps;
    post_filter_ = register_module(
        "post_filter",
        nn::Conv1d(nn::Conv1dOptions(1, 1, taps).padding(taps / 2).bias(false)));
    torch::NoGradGuard no_grad;
    post_filter_->weight.zero_();
    post_filter_->weight[0][0][taps / 2] = 1.0;  // identity at start
  }
}

Posterior GrainVaeImpl::encode(const torch::Tensor& audio) {
  torch::Tensor grains = framing_.slice(audio);  // (B, n, G)
  const int64_t b = grains.size(0), n = grains.size(1);
  torch::Tensor flat = grains.reshape({b * n, options_.grain});
  Posterior p = conv_encoder_ ? conv_encoder_->forward(flat) : spectral_encoder_->forward(flat);
  return {p.mu.view({b, n, -1}), p.logvar.view({b, n, -1})};
}

torch::Tensor GrainVaeImpl::one_hot(const torch::Tensor& labels, int64_t n_grains) const {
  if (!options_.conditional || options_.n_classes == 0) return {};
  torch::Tensor oh;
  if (labels.defined() && labels.is_floating_point()) {  // class weights (a mix of classes)
    TORCH_CHECK(labels.dim() == 2 && labels.size(1) == options_.n_classes,
                "decode: class weights must be (batch, ", options_.n_classes, ")");
    oh = labels.to(torch::kFloat32);
  } else {
    TORCH_CHECK(labels.defined() && labels.dim() == 1, "decode: class labels (batch) needed");
    oh = torch::one_hot(labels.to(torch::kLong), options_.n_classes).to(torch::kFloat32);
  }
  return oh.unsqueeze(1).expand({-1, n_grains, -1}).reshape({-1, options_.n_classes});
}

namespace {

// Noise is always drawn on the CPU so a seed gives the same grains on every device.
torch::Tensor grain_noise(const torch::Tensor& z, int64_t grain, at::Generator& generator) {
  TORCH_CHECK(z.dim() == 3, "decode: expected (batch, grains, z)");
  return torch::rand({z.size(0) * z.size(1), grain}, generator) * 2.0 - 1.0;
}

}  // namespace

torch::Tensor GrainVaeImpl::decode(const torch::Tensor& z, const torch::Tensor& labels,
                                   at::Generator& generator) {
  return decode(z, labels, grain_noise(z, options_.grain, generator));
}

torch::Tensor GrainVaeImpl::decode(const torch::Tensor& z, const torch::Tensor& labels,
                                   const torch::Tensor& noise) {
  return decode_parts(z, labels, noise).audio;
}

GrainVaeImpl::Decoded GrainVaeImpl::decode_parts(const torch::Tensor& z,
                                                 const torch::Tensor& labels,
                                                 const torch::Tensor& noise) {
  TORCH_CHECK(z.dim() == 3 && z.size(2) == options_.z_dim, "decode: expected (batch, grains, ",
              options_.z_dim, ")");
  const int64_t b = z.size(0), n = z.size(1);
  torch::Tensor cond = one_hot(labels, n);
  torch::Tensor h = decoder_->magnitudes(z.reshape({b * n, -1}),
                                         cond.defined() ? cond.to(z.device()) : cond);
  // Grain j of every event is grain number j of its series (the tonal bank's phases).
  const torch::Tensor index = torch::arange(n, torch::kLong).repeat({b});
  torch::Tensor grains = decoder_->filter(h, noise, index).view({b, n, options_.grain});
  torch::Tensor audio = framing_.overlap_add(grains);
  if (post_filter_) {
    if (!torch::GradMode::is_enabled() && audio.device().is_cpu())
      audio = post_filter_direct(audio, post_filter_->weight);
    else
      audio = post_filter_->forward(audio.unsqueeze(1)).squeeze(1);
  }
  // The noise magnitudes as a view; forward() smooths them, inference decodes never do.
  return {audio, (options_.tonal ? h.narrow(-1, 0, options_.n_bins()) : h).view({b, n, -1})};
}

torch::Tensor GrainVaeImpl::decode_grains(const torch::Tensor& z, const torch::Tensor& classes,
                                          int64_t first_index, at::Generator& generator) {
  TORCH_CHECK(z.dim() == 2, "decode_grains: expected (N, z)");
  return decode_grains(z, classes, first_index,
                       torch::rand({z.size(0), options_.grain}, generator) * 2.0 - 1.0);
}

torch::Tensor GrainVaeImpl::decode_grains(const torch::Tensor& z, const torch::Tensor& classes,
                                          int64_t first_index, const torch::Tensor& noise) {
  TORCH_CHECK(z.dim() == 2 && z.size(1) == options_.z_dim, "decode_grains: expected (N, ",
              options_.z_dim, ")");
  torch::Tensor cond = one_hot(classes, 1);
  return decoder_->filter(decoder_->magnitudes(z, cond.defined() ? cond.to(z.device()) : cond),
                          noise, torch::arange(first_index, first_index + z.size(0), torch::kLong));
}

const rt::GrainDecoder& GrainVaeImpl::runtime_decoder() {
  std::vector<int64_t> signature = weights_signature(*this);
  if (!runtime_ || signature != runtime_signature_) {
    runtime_ = std::make_shared<const rt::GrainDecoder>(options_, grain_runtime_weights(*this));
    runtime_signature_ = std::move(signature);
  }
  return *runtime_;
}

torch::Tensor GrainVaeImpl::post_filter_taps() const {
  return post_filter_ ? post_filter_->weight.reshape({-1}) : torch::Tensor();
}

GrainVaeOutput GrainVaeImpl::forward(const torch::Tensor& audio, const torch::Tensor& labels,
                                     at::Generator& generator) {
  Posterior p = encode(audio);
  torch::Tensor eps = torch::randn(p.mu.sizes(), generator).to(p.mu.device());
  torch::Tensor z = p.mu + eps * (0.5 * p.logvar).exp();
  Decoded d = decode_parts(z, labels, grain_noise(z, options_.grain, generator));
  return {d.audio, z, p.mu, p.logvar, smooth_magnitudes(d.filter)};
}

torch::Tensor kl_per_grain(const Posterior& p) {
  return (0.5 * (p.mu.square() + p.logvar.exp() - p.logvar - 1.0)).sum(-1).mean();
}

at::Generator make_generator(uint64_t seed) {
  return at::make_generator<at::CPUGeneratorImpl>(seed);
}

int64_t count_parameters(torch::nn::Module& module) {
  int64_t n = 0;
  for (const auto& p : module.parameters()) n += p.numel();
  return n;
}

}  // namespace ngsynth
