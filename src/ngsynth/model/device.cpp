#include "ngsynth/model/device.h"

#include <thread>

#include "ngsynth/util/error.h"

namespace ngsynth {

torch::Device parse_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  if (name == "cuda" || name.rfind("cuda:", 0) == 0) {
    if (!torch::cuda::is_available())
      throw Error("--device " + name +
                  ": no CUDA GPU available (this LibTorch is a CPU build, or no GPU is "
                  "visible); use --device cpu");
    return torch::Device(name);
  }
  throw Error("--device " + name + ": unknown device (valid: cpu, cuda, cuda:N)");
}

torch::Device module_device(torch::nn::Module& module) {
  auto params = module.parameters();
  return params.empty() ? torch::Device(torch::kCPU) : params.front().device();
}

void set_threads(int threads) {
  const int n = threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());
  torch::set_num_threads(std::max(1, n));
}

}  // namespace ngsynth
