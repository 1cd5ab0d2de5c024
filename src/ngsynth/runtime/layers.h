// The runtime's dense layers, as LibTorch's modules compute them at inference: Linear
// (y = x W^T + b), LayerNorm (eps 1e-5, affine), LeakyReLU (slope 0.2), and MLPs made of
// them. Weights are immutable after construction (W kept transposed and padded for the
// matrix kernel); every forward writes into caller-owned buffers, so one set of layers is
// shared by any number of threads and voices.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ngsynth/runtime/tensor_set.h"

namespace ngsynth::rt {

// y (n x out, row stride out) = x (n x in, row stride in) W^T + b, for a W given as
// (out x in) row-major (LibTorch's layout).
class Linear {
 public:
  Linear() = default;
  Linear(const std::vector<float>& weight, const std::vector<float>& bias, int64_t out, int64_t in);
  // weight "<prefix>.weight" (out, in) and bias "<prefix>.bias" (out) of a set; `in` checked.
  static Linear from(const TensorSet& set, const std::string& prefix, int64_t in);

  int64_t in() const { return in_; }
  int64_t out() const { return out_; }
  void forward(const float* x, int64_t n, float* y) const;
  // The first `in` inputs' transposed weights (in x out, row stride stride()) and the bias.
  const float* transposed() const { return wt_.data(); }
  int64_t stride() const { return ld_; }
  const float* bias() const { return bias_.data(); }

 private:
  int64_t in_ = 0, out_ = 0, ld_ = 0;  // ld_: out rounded up to the kernel's 16 columns
  std::vector<float> wt_, bias_;       // (in x ld_) transposed weights, zero-padded; (ld_)
};

class LayerNorm {
 public:
  LayerNorm() = default;
  static LayerNorm from(const TensorSet& set, const std::string& prefix, int64_t size);
  // Normalises each of n rows of x (n x size) in place.
  void forward(float* x, int64_t n) const;

 private:
  std::vector<float> gamma_, beta_;
};

void leaky_relu(float* x, int64_t n, float slope = 0.2f);

// A sequence of Linear [+ LayerNorm] [+ LeakyReLU] blocks.
class Mlp {
 public:
  struct Block {
    Linear linear;
    bool norm = false;
    LayerNorm layer_norm;
    bool activation = true;
  };
  void add(Block b) { blocks_.push_back(std::move(b)); }
  int64_t in() const { return blocks_.front().linear.in(); }
  int64_t out() const { return blocks_.back().linear.out(); }
  int64_t widest() const;  // the widest layer output
  // x (n x in) -> y (n x out); scratch: at least 2 * n * widest() floats. x, y, scratch
  // must not overlap. With `film`, every block with a LayerNorm then scales and shifts its
  // output, h scale + shift, for the same [scale (out), shift (out)] on every row; film
  // holds them block after block.
  void forward(const float* x, int64_t n, float* y, float* scratch,
               const float* film = nullptr) const;

 private:
  std::vector<Block> blocks_;
};

}  // namespace ngsynth::rt
