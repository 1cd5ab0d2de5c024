#include "ngsynth/eval/benchmark.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "ngsynth/model/device.h"
#include "ngsynth/model/grain_vae.h"
#include "ngsynth/model/model_file.h"
#include "ngsynth/model/spectral.h"

namespace ngsynth {

namespace {

template <typename F>
double median_seconds(int repeats, F&& f) {
  f();  // warm-up
  std::vector<double> t;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

// Decaying noise bursts, the rough shape of drum hits.
torch::Tensor synthetic_events(int64_t batch, int64_t length, int sample_rate) {
  torch::Tensor t = torch::arange(length, torch::kFloat32) / sample_rate;
  return 0.5 * (torch::rand({batch, length}) * 2 - 1) * torch::exp(-t * 8).unsqueeze(0);
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

}  // namespace

BenchResult run_benchmark(const BenchOptions& bo) {
  Preset preset = make_preset(bo.preset);
  GrainOptions& g = preset.grain;
  g.n_classes = bo.n_classes;
  set_threads(bo.threads);
  torch::manual_seed(1);
  GrainVae vae(g);
  BenchResult r;
  r.preset = bo.preset;
  r.threads = bo.threads;
  r.batch_size = preset.train.batch_size;
  r.parameters = count_parameters(*vae);
  r.model_mb = module_bytes(*vae).size() / 1e6;

  if (bo.train_steps > 0) {
    torch::optim::Adam adam(vae->parameters(), torch::optim::AdamOptions(1e-4));
    torch::Tensor audio = synthetic_events(r.batch_size, g.event_length(), g.sample_rate);
    torch::Tensor labels = torch::randint(bo.n_classes, {r.batch_size}, torch::kLong);
    at::Generator gen = make_generator(1);
    vae->train();
    r.train_step_s = median_seconds(bo.train_steps, [&] {
      GrainVaeOutput out = vae->forward(audio, labels, gen);
      torch::Tensor loss = multiscale_spectral_distance(audio, out.audio, g.stft_scales,
                                                        g.log_weight, g.log_eps).total +
                           1e-3 * kl_per_grain({out.mu, out.logvar});
      adam.zero_grad();
      loss.backward();
      adam.step();
    });
  }

  vae->eval();
  torch::InferenceMode inference;
  const int64_t n = vae->framing().grains_for(g.sample_rate);  // grains covering 1 s
  torch::Tensor one_second = synthetic_events(1, vae->framing().length_for(n), g.sample_rate);
  torch::Tensor z = torch::randn({1, n, g.z_dim});
  torch::Tensor label = torch::zeros({1}, torch::kLong);
  at::Generator gen = make_generator(2);
  r.encode_1s_ms = 1e3 * median_seconds(bo.repeats, [&] { vae->encode(one_second); });
  r.decode_1s_ms = 1e3 * median_seconds(bo.repeats, [&] { vae->decode(z, label, gen); });
  r.peak_rss_mb = peak_rss_mb();
  return r;
}

nlohmann::json BenchResult::to_json() const {
  return {{"preset", preset},           {"threads", threads},
          {"batch_size", batch_size},   {"train_step_s", train_step_s},
          {"encode_1s_ms", encode_1s_ms}, {"decode_1s_ms", decode_1s_ms},
          {"parameters", parameters},   {"model_mb", model_mb},
          {"peak_rss_mb", peak_rss_mb}};
}

std::string BenchResult::text() const {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "preset %s, %d thread(s)\n"
                "  training step (batch %d)  %8.3f s\n"
                "  encode 1 s of audio       %8.2f ms\n"
                "  decode 1 s of audio       %8.2f ms\n"
                "  parameters                %8.2f M\n"
                "  model weights             %8.2f MB\n"
                "  peak memory               %8.1f MB\n",
                preset.c_str(), threads, batch_size, train_step_s, encode_1s_ms, decode_1s_ms,
                parameters / 1e6, model_mb, peak_rss_mb);
  return buf;
}

}  // namespace ngsynth
