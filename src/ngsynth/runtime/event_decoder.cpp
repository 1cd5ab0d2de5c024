#include "ngsynth/runtime/event_decoder.h"

#include <algorithm>
#include <cmath>

#include "ngsynth/runtime/recurrent_kernels.h"
#include "ngsynth/util/error.h"

namespace ngsynth::rt {

namespace {

Mlp::Block block(const TensorSet& w, const std::string& p, int64_t in, bool activation) {
  Mlp::Block b;
  b.linear = Linear::from(w, p, in);
  b.activation = activation;
  return b;
}

}  // namespace

EventDecoder::EventDecoder(const EventOptions& options, int z_dim, int n_classes,
                           const TensorSet& w, Precision precision)
    : o_(options), z_dim_(z_dim), n_classes_(n_classes), lstm_(options.rnn == Cell::lstm),
      precision_(precision) {
  o_.validate();
  const int64_t h = o_.hidden, ec = o_.embed_dim + n_classes, gates = (lstm_ ? 4 : 3) * h;
  // dec_in: Linear, LeakyReLU, Linear, LayerNorm, LeakyReLU.
  dec_in_.add(block(w, "event.dec_in.0", ec, true));
  Mlp::Block second = block(w, "event.dec_in.2", h, true);
  second.norm = true;
  second.layer_norm = LayerNorm::from(w, "event.dec_in.3", h);
  dec_in_.add(std::move(second));
  dec_h0_ = Linear::from(w, "event.dec_h0", ec);
  // dec_out: Linear(h + c, h), LeakyReLU, Linear(h, z).
  dec_out_.add(block(w, "event.dec_out.0", h + n_classes, true));
  dec_out_.add(block(w, "event.dec_out.2", h, false));
  if (dec_out_.out() != z_dim || dec_h0_.out() != h)
    throw Error("runtime weights: the event decoder does not match the latent size");
  const auto& w_ih = w.at("event.dec_rnn.weight_ih_l0", {gates, h}).data;
  const auto& w_hh = w.at("event.dec_rnn.weight_hh_l0", {gates, h}).data;
  std::vector<float> b_ih = w.at("event.dec_rnn.bias_ih_l0", {gates}).data;
  b_hh_ = w.at("event.dec_rnn.bias_hh_l0", {gates}).data;
  if (lstm_)
    for (int64_t i = 0; i < gates; ++i) b_ih[i] += b_hh_[i];
  input_proj_ = Linear(w_ih, b_ih, gates, h);
  whh_t_.resize(static_cast<std::size_t>(gates * h));
  for (int64_t g = 0; g < gates; ++g)
    for (int64_t r = 0; r < h; ++r) whh_t_[r * gates + g] = w_hh[g * h + r];
  if (precision_ == Precision::half) {
    whh_t_half_.resize(whh_t_.size());
    to_half(whh_t_.data(), whh_t_half_.data(), static_cast<int64_t>(whh_t_.size()));
    whh_t_.clear();
  }
  z_mean_ = w.at("event.z_mean", {z_dim}).data;
  z_std_ = w.at("event.z_std", {z_dim}).data;
}

std::vector<float> EventDecoder::decode(const float* embedding, const float* classes,
                                        int64_t n_steps) const {
  if (n_steps < 1) throw Error("event decode: at least one step");
  const int64_t h = o_.hidden, gates = (lstm_ ? 4 : 3) * h, e = o_.embed_dim, c = n_classes_;
  std::vector<float> ec(static_cast<std::size_t>(e + c));
  std::copy(embedding, embedding + e, ec.begin());
  if (c > 0) std::copy(classes, classes + c, ec.begin() + e);
  std::vector<float> scratch(static_cast<std::size_t>(2 * std::max(h, int64_t(z_dim_)) *
                                                      std::max<int64_t>(n_steps, 1)));
  std::vector<float> in(h), state(h), cell(h, 0.0f), gx(gates), g(gates);
  dec_in_.forward(ec.data(), 1, in.data(), scratch.data());
  dec_h0_.forward(ec.data(), 1, state.data());
  for (float& v : state) v = std::tanh(v);
  // The input is the same at every step: its projection is computed once.
  input_proj_.forward(in.data(), 1, gx.data());
  // Outputs with the class appended: the rows of dec_out's input.
  std::vector<float> rows(static_cast<std::size_t>(n_steps * (h + c)));
  for (int64_t t = 0; t < n_steps; ++t) {
    std::copy(lstm_ ? gx.begin() : b_hh_.begin(), lstm_ ? gx.end() : b_hh_.end(), g.begin());
    if (precision_ == Precision::half)
      matvec_transposed_half(state.data(), whh_t_half_.data(), h, gates, g.data());
    else
      matvec_transposed(state.data(), whh_t_.data(), h, gates, g.data());
    if (lstm_)
      lstm_step(g.data(), cell.data(), state.data(), h);
    else
      gru_step(gx.data(), g.data(), state.data(), h);
    float* row = rows.data() + t * (h + c);
    std::copy(state.begin(), state.end(), row);
    if (c > 0) std::copy(classes, classes + c, row + h);
  }
  std::vector<float> out(static_cast<std::size_t>(n_steps * z_dim_));
  dec_out_.forward(rows.data(), n_steps, out.data(), scratch.data());
  for (int64_t t = 0; t < n_steps; ++t)
    for (int k = 0; k < z_dim_; ++k) {
      float& v = out[t * z_dim_ + k];
      v = v * z_std_[k] + z_mean_[k];
    }
  return out;
}

}  // namespace ngsynth::rt
