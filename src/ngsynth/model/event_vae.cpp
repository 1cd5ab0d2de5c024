#include "ngsynth/model/event_vae.h"

#include "ngsynth/runtime/recurrent_kernels.h"
#include "ngsynth/model/runtime_weights.h"
#include "ngsynth/util/error.h"

namespace ngsynth {
namespace nn = torch::nn;

namespace {

nn::AnyModule make_rnn(const EventOptions& o, int64_t input) {
  if (o.rnn == Cell::lstm)
    return nn::AnyModule(nn::LSTM(nn::LSTMOptions(input, o.hidden).batch_first(true)));
  return nn::AnyModule(nn::GRU(nn::GRUOptions(input, o.hidden).batch_first(true)));
}

nn::Sequential mlp(int64_t in, int64_t hidden, int64_t out, bool norm_last) {
  nn::Sequential s(nn::Linear(in, hidden), nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)),
                   nn::Linear(hidden, out));
  if (norm_last) s->push_back(nn::LayerNorm(nn::LayerNormOptions({out})));
  s->push_back(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)));
  return s;
}

}  // namespace

EventVaeImpl::EventVaeImpl(EventOptions options, int z_dim, int n_steps, int n_classes)
    : options_(std::move(options)), z_dim_(z_dim), n_steps_(n_steps), n_classes_(n_classes) {
  options_.validate();
  if (z_dim < 1 || n_steps < 1 || n_classes < 0) throw Error("event VAE: invalid sizes");
  const int64_t h = options_.hidden, e = options_.embed_dim, c = n_classes_;
  step_mlp_ = register_module("step_mlp", mlp(z_dim, h, h, /*norm_last=*/true));
  enc_rnn_ = make_rnn(options_, h);
  register_module("enc_rnn", enc_rnn_.ptr());
  enc_head_ = register_module("enc_head", mlp(h, h, h, false));
  mu_ = register_module("mu", nn::Linear(h, e));
  logvar_ = register_module("logvar", nn::Linear(h, e));
  dec_in_ = register_module("dec_in", mlp(e + c, h, h, true));
  dec_h0_ = register_module("dec_h0", nn::Linear(e + c, h));
  dec_rnn_ = make_rnn(options_, h);
  register_module("dec_rnn", dec_rnn_.ptr());
  dec_out_ = register_module("dec_out", nn::Sequential(
      nn::Linear(h + c, h), nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)),
      nn::Linear(h, z_dim)));
  z_mean_ = register_buffer("z_mean", torch::zeros({z_dim}));
  z_std_ = register_buffer("z_std", torch::ones({z_dim}));
}

void EventVaeImpl::set_latent_stats(const torch::Tensor& mean, const torch::Tensor& stddev) {
  TORCH_CHECK(mean.numel() == z_dim_ && stddev.numel() == z_dim_, "latent stats: wrong size");
  torch::NoGradGuard no_grad;
  z_mean_.copy_(mean.reshape({z_dim_}));
  z_std_.copy_(stddev.reshape({z_dim_}).clamp_min(1e-4));
}

torch::Tensor EventVaeImpl::standardise(const torch::Tensor& z) const {
  return (z - z_mean_) / z_std_;
}
torch::Tensor EventVaeImpl::destandardise(const torch::Tensor& z) const {
  return z * z_std_ + z_mean_;
}

// Runs a GRU or LSTM over x (B, n, in) from initial state h0 (B, hidden) or zeros;
// returns the outputs (B, n, hidden).
torch::Tensor EventVaeImpl::run_rnn(nn::AnyModule& rnn, const torch::Tensor& x,
                                    const torch::Tensor& h0) {
  if (auto* gru = rnn.ptr()->as<nn::GRU>()) {
    auto [out, h] = h0.defined() ? gru->forward(x, h0.unsqueeze(0)) : gru->forward(x);
    return out;
  }
  auto* lstm = rnn.ptr()->as<nn::LSTM>();
  if (!h0.defined()) return std::get<0>(lstm->forward(x));
  torch::Tensor h = h0.unsqueeze(0);
  auto [out, state] = lstm->forward(x, std::make_tuple(h, torch::zeros_like(h)));
  return out;
}

torch::Tensor EventVaeImpl::run_decoder_inference(const torch::Tensor& x, const torch::Tensor& h0,
                                                  int64_t n_steps) {
  auto params = dec_rnn_.ptr()->named_parameters();
  const torch::Tensor w_ih = params["weight_ih_l0"], w_hh = params["weight_hh_l0"];
  const torch::Tensor b_ih = params["bias_ih_l0"], b_hh = params["bias_hh_l0"];
  const bool lstm = options_.rnn == Cell::lstm;
  const int64_t hidden = options_.hidden, gates = w_hh.size(0), b = x.size(0);
  // Inference tensors (made under InferenceMode) keep no version counter: no training
  // changes them.
  const int64_t version = w_hh.is_inference() ? 0 : static_cast<int64_t>(w_hh._version());
  if (w_hh.data_ptr() != whh_data_ || version != whh_version_) {
    torch::Tensor t = w_hh.detach().t().contiguous();
    whh_t_.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    whh_data_ = w_hh.data_ptr();
    whh_version_ = version;
  }
  // The input is the same at every step: its projection is computed once.
  torch::Tensor gx = torch::addmm(lstm ? b_ih + b_hh : b_ih, x, w_ih.t()).contiguous();
  const torch::Tensor h_start = h0.contiguous(), bias_hh = b_hh.contiguous();
  torch::Tensor out = torch::empty({b, n_steps, hidden});
  std::vector<float> h(hidden), c(hidden), g(gates);
  for (int64_t i = 0; i < b; ++i) {
    const float* gxi = gx.data_ptr<float>() + i * gates;
    std::copy(h_start.data_ptr<float>() + i * hidden, h_start.data_ptr<float>() + (i + 1) * hidden,
              h.begin());
    std::fill(c.begin(), c.end(), 0.0f);
    float* o = out.data_ptr<float>() + i * n_steps * hidden;
    for (int64_t t = 0; t < n_steps; ++t, o += hidden) {
      if (lstm) {
        std::copy(gxi, gxi + gates, g.begin());
        matvec_transposed(h.data(), whh_t_.data(), hidden, gates, g.data());
        lstm_step(g.data(), c.data(), h.data(), hidden);
      } else {
        std::copy(bias_hh.data_ptr<float>(), bias_hh.data_ptr<float>() + gates, g.begin());
        matvec_transposed(h.data(), whh_t_.data(), hidden, gates, g.data());
        gru_step(gxi, g.data(), h.data(), hidden);
      }
      std::copy(h.begin(), h.end(), o);
    }
  }
  return out;
}

Posterior EventVaeImpl::encode(const torch::Tensor& series) {
  TORCH_CHECK(series.dim() == 3 && series.size(2) == z_dim_, "event encode: expected (batch, "
              "steps, ", z_dim_, ")");
  torch::Tensor h = step_mlp_->forward(standardise(series));
  torch::Tensor out = run_rnn(enc_rnn_, h, {});
  torch::Tensor last = enc_head_->forward(out.select(1, out.size(1) - 1));
  return {mu_->forward(last), torch::clamp(logvar_->forward(last), -8.0, 4.0)};
}

torch::Tensor EventVaeImpl::class_weights(const torch::Tensor& classes, int64_t batch) const {
  if (n_classes_ == 0) return torch::zeros({batch, 0});
  if (classes.is_floating_point()) {
    TORCH_CHECK(classes.dim() == 2 && classes.size(1) == n_classes_,
                "event decode: class weights must be (batch, ", n_classes_, ")");
    return classes.to(torch::kFloat32);
  }
  TORCH_CHECK(classes.dim() == 1 && classes.size(0) == batch, "event decode: one class per event");
  return torch::one_hot(classes.to(torch::kLong), n_classes_).to(torch::kFloat32);
}

torch::Tensor EventVaeImpl::decode(const torch::Tensor& embedding, const torch::Tensor& classes,
                                   int64_t n_steps) {
  TORCH_CHECK(embedding.dim() == 2 && embedding.size(1) == options_.embed_dim,
              "event decode: expected (batch, ", options_.embed_dim, ")");
  TORCH_CHECK(n_steps >= 1, "event decode: at least one step");
  const int64_t b = embedding.size(0);
  torch::Tensor c = class_weights(classes, b).to(embedding.device());
  torch::Tensor ec = torch::cat({embedding, c}, 1);
  torch::Tensor in = dec_in_->forward(ec);
  torch::Tensor h0 = torch::tanh(dec_h0_->forward(ec));
  torch::Tensor out =
      (!torch::GradMode::is_enabled() && in.device().is_cpu())
          ? run_decoder_inference(in, h0, n_steps)
          : run_rnn(dec_rnn_, in.unsqueeze(1).expand({-1, n_steps, -1}).contiguous(), h0);
  torch::Tensor cs = c.unsqueeze(1).expand({-1, n_steps, -1});
  return destandardise(dec_out_->forward(torch::cat({out, cs}, 2)));
}

const rt::EventDecoder& EventVaeImpl::runtime_decoder() {
  std::vector<int64_t> signature = weights_signature(*this);
  if (!runtime_ || signature != runtime_signature_) {
    runtime_ = std::make_shared<const rt::EventDecoder>(options_, z_dim_, n_classes_,
                                                         event_runtime_weights(*this));
    runtime_signature_ = std::move(signature);
  }
  return *runtime_;
}

EventVaeOutput EventVaeImpl::forward(const torch::Tensor& series, const torch::Tensor& classes,
                                     at::Generator& generator) {
  Posterior p = encode(series);
  torch::Tensor eps = torch::randn(p.mu.sizes(), generator).to(p.mu.device());
  torch::Tensor e = p.mu + eps * (0.5 * p.logvar).exp();
  return {decode(e, classes, series.size(1)), p.mu, p.logvar};
}

torch::Tensor kl_per_dimension(const Posterior& p) {
  return (0.5 * (p.mu.square() + p.logvar.exp() - p.logvar - 1.0)).mean(0);
}

torch::Tensor free_bits_kl(const Posterior& p, double free_bits) {
  return kl_per_dimension(p).clamp_min(free_bits).sum();
}

int64_t active_dimensions(const torch::Tensor& mu, double threshold) {
  if (mu.size(0) < 2) return 0;
  return (mu.var(0) > threshold).sum().item<int64_t>();
}

}  // namespace ngsynth
