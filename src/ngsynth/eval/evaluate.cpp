#include "ngsynth/eval/evaluate.h"

#include <algorithm>
#include <cstdio>

#include "ngsynth/eval/metrics.h"
#include "ngsynth/model/batcher.h"
#include "ngsynth/util/error.h"

namespace ngsynth {

std::vector<int64_t> map_classes(const std::vector<std::string>& model_classes,
                                 const std::vector<std::string>& data_classes,
                                 bool conditional) {
  std::vector<int64_t> map;
  for (const auto& name : data_classes) {
    auto it = std::find(model_classes.begin(), model_classes.end(), name);
    if (it == model_classes.end() && conditional) {
      std::string valid;
      for (const auto& c : model_classes) valid += (valid.empty() ? "" : ", ") + c;
      throw Error("class '" + name + "' of the dataset is unknown to the model (model classes: " +
                  valid + ")");
    }
    map.push_back(it == model_classes.end() ? 0 : it - model_classes.begin());
  }
  return map;
}

void check_dataset_fits(const Dataset& data, const GrainOptions& o) {
  if (data.sample_rate != o.sample_rate || data.event_length != o.event_length())
    throw Error("dataset has " + std::to_string(data.sample_rate) + " Hz events of " +
                std::to_string(data.event_length) + " samples; the model expects " +
                std::to_string(o.sample_rate) + " Hz and " + std::to_string(o.event_length()));
}

torch::Tensor encode_events(GrainVae& vae, const Dataset& data,
                            const std::vector<std::size_t>& indices, const torch::Device& device) {
  torch::NoGradGuard no_grad;
  const bool was_training = vae->is_training();
  vae->eval();
  Batcher chunks(data, indices, 64, 0);
  std::vector<torch::Tensor> parts;
  for (std::size_t k = 0; k < chunks.chunk_count(); ++k)
    parts.push_back(vae->encode(chunks.chunk(k).audio.to(device)).mu);
  if (was_training) vae->train();
  return torch::cat(parts, 0);
}

EventStats event_statistics(EventVae& event, const torch::Tensor& latents,
                            const torch::Tensor& labels) {
  torch::NoGradGuard no_grad;
  const bool was_training = event->is_training();
  event->eval();
  Posterior p = event->encode(latents);
  torch::Tensor recon = event->decode(p.mu, labels.to(latents.device()), latents.size(1));
  if (was_training) event->train();
  EventStats s;
  s.count = static_cast<int>(latents.size(0));
  s.latent_mse =
      (event->standardise(recon) - event->standardise(latents)).square().mean().item<double>();
  s.kl_per_event = kl_per_dimension(p).sum().item<double>();
  s.active_dims = active_dimensions(p.mu);
  s.embed_dim = event->options().embed_dim;
  return s;
}

nlohmann::json EventStats::to_json() const {
  return {{"events", count}, {"latent_mse", latent_mse}, {"kl_per_event", kl_per_event},
          {"active_dims", active_dims}, {"embed_dim", embed_dim}};
}

EvalResult evaluate(GrainVae& vae, const std::vector<std::string>& model_classes,
                    const Dataset& data, Split split, const torch::Device& device,
                    uint64_t seed, int batch_size, EventVae* event) {
  const GrainOptions& o = vae->options();
  check_dataset_fits(data, o);
  const auto class_map = map_classes(model_classes, data.classes, o.conditional);
  std::vector<std::size_t> indices = data.indices(split);
  if (indices.empty()) throw Error(std::string("the dataset has no ") + split_name(split) + " events");

  torch::NoGradGuard no_grad;
  const bool was_training = vae->is_training();
  vae->eval();
  const bool event_was_training = event && (*event)->is_training();
  if (event) (*event)->eval();
  at::Generator gen = make_generator(seed);
  at::Generator other_gen = make_generator(seed + 1);
  Batcher batches(data, indices, batch_size, seed);
  std::vector<double> mss_sum(data.classes.size(), 0), lsd_sum(data.classes.size(), 0);
  std::vector<double> floor_sum(data.classes.size(), 0);
  std::vector<int> count(data.classes.size(), 0);
  std::size_t pos = 0;
  for (std::size_t k = 0; k < batches.chunk_count(); ++k) {
    Batch b = batches.chunk(k);
    torch::Tensor audio = b.audio.to(device);
    torch::Tensor labels = map_labels(b.labels, class_map);
    torch::Tensor z = vae->encode(audio).mu;
    if (event) z = (*event)->decode((*event)->encode(z).mu, labels.to(device), z.size(1));
    torch::Tensor recon = vae->decode(z, labels.to(device), gen);
    torch::Tensor other = vae->decode(z, labels.to(device), other_gen);
    ItemMetrics m = item_metrics(audio, recon, o);
    ItemMetrics floor = item_metrics(other, recon, o);
    for (int64_t i = 0; i < audio.size(0); ++i, ++pos) {
      const int c = data.entries[indices[pos]].class_index;
      mss_sum[c] += m.mss[i].item<double>();
      lsd_sum[c] += m.lsd[i].item<double>();
      floor_sum[c] += floor.mss[i].item<double>();
      ++count[c];
    }
  }
  if (was_training) vae->train();
  if (event_was_training) (*event)->train();

  EvalResult r;
  r.overall.name = "all";
  for (std::size_t c = 0; c < data.classes.size(); ++c) {
    if (count[c] == 0) continue;
    r.classes.push_back({data.classes[c], count[c], mss_sum[c] / count[c], lsd_sum[c] / count[c],
                         floor_sum[c] / count[c]});
    r.overall.count += count[c];
    r.overall.mss += mss_sum[c];
    r.overall.lsd += lsd_sum[c];
    r.overall.mss_floor += floor_sum[c];
  }
  r.overall.mss /= r.overall.count;
  r.overall.lsd /= r.overall.count;
  r.overall.mss_floor /= r.overall.count;
  return r;
}

nlohmann::json EvalResult::to_json() const {
  auto row = [](const EvalRow& r) {
    return nlohmann::json{
        {"count", r.count}, {"mss", r.mss}, {"lsd_db", r.lsd}, {"mss_noise_floor", r.mss_floor}};
  };
  nlohmann::json j = {{"overall", row(overall)}, {"classes", nlohmann::json::object()}};
  for (const auto& r : classes) j["classes"][r.name] = row(r);
  return j;
}

std::string EvalResult::table() const {
  std::string out;
  char line[128];
  std::snprintf(line, sizeof line, "%-10s %6s %10s %10s %12s\n", "class", "events", "mss",
                "lsd (dB)", "noise floor");
  out += line;
  auto add = [&](const EvalRow& r) {
    std::snprintf(line, sizeof line, "%-10s %6d %10.4f %10.2f %12.4f\n", r.name.c_str(), r.count,
                  r.mss, r.lsd, r.mss_floor);
    out += line;
  };
  for (const auto& r : classes) add(r);
  add(overall);
  return out;
}

}  // namespace ngsynth
