// Choosing where the networks run: "cpu" (all cores unless told otherwise) or "cuda" on a
// CUDA build of LibTorch with a GPU present; anything else is a one-line error.
#pragma once

#include <torch/torch.h>

#include <string>

namespace ngsynth {

torch::Device parse_device(const std::string& name);
// 0 = all cores; sets LibTorch's intra-op thread count.
void set_threads(int threads);
// Where a module's parameters live (the CPU for a module without any).
torch::Device module_device(torch::nn::Module& module);

}  // namespace ngsynth
