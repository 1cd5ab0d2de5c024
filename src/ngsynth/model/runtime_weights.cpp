#include "ngsynth/model/runtime_weights.h"

#include "ngsynth/model/model_file.h"

namespace ngsynth {

namespace {

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

void copy_tensors(torch::nn::Module& module, const std::string& prefix,
                  const std::vector<std::string>& keep, rt::TensorSet& out) {
  auto take = [&](const std::string& name, const torch::Tensor& t) {
    if (!t.is_floating_point()) return;  // BatchNorm's batch counts: not a weight
    bool wanted = false;
    for (const auto& k : keep) wanted = wanted || starts_with(name, k);
    if (!wanted) return;
    const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    out.add(prefix + name, c.sizes().vec(),
            std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel()));
  };
  for (const auto& p : module.named_parameters()) take(p.key(), p.value());
  for (const auto& b : module.named_buffers()) take(b.key(), b.value());
}

}  // namespace

rt::TensorSet grain_runtime_weights(GrainVaeImpl& vae) {
  rt::TensorSet set;
  std::vector<std::string> keep = {"decoder.", "post_filter."};
  if (vae.options().encoder == Encoder::spectral) keep.push_back("encoder.");
  copy_tensors(vae, "grain.", keep, set);
  return set;
}

rt::TensorSet event_runtime_weights(EventVaeImpl& event) {
  rt::TensorSet set;
  copy_tensors(event, "event.", {"dec_", "z_mean", "z_std"}, set);
  return set;
}

rt::TensorSet all_weights(Model& m) {
  rt::TensorSet set;
  copy_tensors(*m.vae, "grain.", {""}, set);
  if (m.has_event()) copy_tensors(*m.event, "event.", {""}, set);
  return set;
}

std::size_t load_tensors(torch::nn::Module& module, const std::string& prefix,
                         const rt::TensorSet& set) {
  torch::NoGradGuard no_grad;
  std::size_t n = 0;
  auto load = [&](const std::string& name, torch::Tensor& t) {
    if (!t.is_floating_point()) return;
    std::vector<int64_t> shape = t.sizes().vec();
    const rt::NamedTensor& src = set.at(prefix + name, shape);
    torch::Tensor cpu = torch::from_blob(const_cast<float*>(src.data.data()), shape, torch::kFloat32);
    t.copy_(cpu);
    ++n;
  };
  for (auto& p : module.named_parameters()) load(p.key(), p.value());
  for (auto& b : module.named_buffers()) load(b.key(), b.value());
  return n;
}

rt::TensorSet runtime_weights(Model& m) {
  rt::TensorSet set = grain_runtime_weights(*m.vae);
  if (m.has_event()) set.add_all(event_runtime_weights(*m.event));
  return set;
}

std::shared_ptr<const rt::Model> runtime_model(Model& m, rt::Precision precision) {
  return std::make_shared<const rt::Model>(m.info.grain, m.info.classes, m.info.event, m.info.map,
                                           runtime_weights(m), precision, m.info.prior);
}

std::vector<int64_t> weights_signature(torch::nn::Module& module) {
  std::vector<int64_t> s;
  auto add = [&](const torch::Tensor& t) {
    s.push_back(reinterpret_cast<int64_t>(t.data_ptr()));
    s.push_back(t.is_inference() ? 0 : static_cast<int64_t>(t._version()));
  };
  for (const auto& p : module.parameters()) add(p);
  for (const auto& b : module.buffers()) add(b);
  return s;
}

}  // namespace ngsynth
