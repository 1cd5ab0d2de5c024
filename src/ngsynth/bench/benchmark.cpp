#include "ngsynth/bench/benchmark.h"

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "ngsynth/model/device.h"
#include "ngsynth/model/grain_vae.h"
#include "ngsynth/model/model_file.h"
#include "ngsynth/model/spectral.h"
#include "ngsynth/audio/resample.h"
#include "ngsynth/live/engine.h"
#include "ngsynth/runtime/grain_stream.h"
#include "ngsynth/runtime/model.h"
#include "ngsynth/model/runtime_weights.h"
#include "ngsynth/synth/render.h"

namespace ngsynth {

namespace {

bool g_cpu_time = false;  // set by run_benchmark from BenchOptions::cpu_time

double now_seconds() {
  if (g_cpu_time) {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

template <typename F>
double median_seconds(int repeats, F&& f) {
  f();  // warm-up
  std::vector<double> t;
  for (int i = 0; i < repeats; ++i) {
    const double start = now_seconds();
    f();
    t.push_back(now_seconds() - start);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

// Decaying noise bursts, the rough shape of drum hits.
torch::Tensor synthetic_events(int64_t batch, int64_t length, int sample_rate) {
  torch::Tensor t = torch::arange(length, torch::kFloat32) / sample_rate;
  return 0.5 * (torch::rand({batch, length}) * 2 - 1) * torch::exp(-t * 8).unsqueeze(0);
}

// Runs an engine in real time (64-frame blocks, paced by the clock) with a note renderer,
// triggering a note every 100 ms for `seconds`; returns the underruns.
int64_t underruns_at(int latency_frames, int sample_rate, int note_frames,
                     const live::NoteRenderer& render, double seconds) {
  live::EngineOptions eo;
  eo.sample_rate = sample_rate;
  eo.latency_frames = latency_frames;
  eo.max_note_frames = note_frames;
  live::Engine engine(eo, render);
  constexpr int kBlock = 64;
  std::vector<float> block(kBlock);
  const auto start = std::chrono::steady_clock::now();
  const int64_t blocks = static_cast<int64_t>(seconds * sample_rate / kBlock);
  const int64_t every = sample_rate / 10 / kBlock;
  for (int64_t b = 0; b < blocks; ++b) {
    if (b % every == 0) engine.note({0, static_cast<uint64_t>(b), 1.0f, 1.0f, 0});
    std::this_thread::sleep_until(start + std::chrono::duration<double>(double(b) * kBlock / sample_rate));
    engine.process(block);
  }
  return engine.underruns();
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

}  // namespace

BenchResult run_benchmark(const BenchOptions& bo) {
  Preset preset = make_preset(bo.preset);
  nlohmann::json grain_json = preset.grain;
  apply_overrides(grain_json, bo.set);
  preset.grain = grain_json.get<GrainOptions>();
  GrainOptions& g = preset.grain;
  g.n_classes = bo.n_classes;
  g.validate();
  set_threads(bo.threads);
  g_cpu_time = bo.cpu_time && bo.threads == 1;
  torch::manual_seed(1);
  GrainVae vae(g);
  BenchResult r;
  r.preset = bo.preset;
  for (const std::string& kv : bo.set) r.preset += " " + kv;  // what was measured, in full
  r.threads = bo.threads;
  r.cpu_time = g_cpu_time;
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
  r.torch_decode_1s_ms = 1e3 * median_seconds(bo.repeats, [&] { vae->decode(z, label, gen); });

  EventVae event = make_event_vae(preset.event, g);
  event->eval();
  // One `sample` through LibTorch: an embedding from the prior, the event VAE's decoder,
  // the grain decoder.
  auto torch_sample = [&](at::Generator& gen, int64_t steps) {
    torch::Tensor e = torch::randn({1, preset.event.embed_dim}, gen);
    return vae->decode(event->decode(e, label, steps), label, gen);
  };
  r.torch_sample_1s_ms = 1e3 * median_seconds(bo.repeats, [&] { torch_sample(gen, n); });

  // The synthesis runtime, what the front-ends play.
  const rt::TensorSet weights = [&] {
    rt::TensorSet w = grain_runtime_weights(*vae);
    w.add_all(event_runtime_weights(*event));
    return w;
  }();
  const rt::Model single(g, {}, preset.event, LatentMap(), weights);
  const rt::Model half(g, {}, preset.event, LatentMap(), weights, rt::Precision::half);
  const std::vector<float> zs(z.data_ptr<float>(), z.data_ptr<float>() + z.numel());
  const std::vector<float> classes = single.one_hot(0);
  const int64_t length = g.sample_rate;
  r.decode_1s_ms = 1e3 * median_seconds(bo.repeats, [&] { single.render(zs, classes, 2, length); });
  auto sample = [&](const rt::Model& m, uint64_t seed, int64_t steps, int64_t frames) {
    const std::vector<float> e = m.sample_embedding(0, 1.0, seed);
    return m.render(m.event().decode(e.data(), classes.data(), steps), classes, seed, frames);
  };
  r.sample_1s_ms = 1e3 * median_seconds(bo.repeats, [&] { sample(single, 3, n, length); });
  r.sample_1s_half_ms = 1e3 * median_seconds(bo.repeats, [&] { sample(half, 3, n, length); });
  {
    const std::vector<float> a = sample(single, 3, n, length), b = sample(half, 3, n, length);
    double diff = 0, energy = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff += (a[i] - b[i]) * (a[i] - b[i]), energy += a[i] * a[i];
    r.half_error = std::sqrt(diff / std::max(energy, 1e-30));
  }
  // A drum voice: one event of the model's length, resampled to 48 kHz.
  const double event_s = double(g.event_length()) / g.sample_rate;
  const double voice_s = median_seconds(bo.repeats, [&] {
    resample(sample(single, 4, g.n_grains, g.event_length()), g.sample_rate, 48000);
  });
  r.voices_48k = event_s / voice_s;

  if (bo.live) {
    // Streaming: 2 s of audio, hop after hop.
    rt::GrainStream stream(single.decoder(), 3);
    std::vector<float> hop(g.hop);
    const std::vector<float> zp(zs.begin(), zs.begin() + g.z_dim);
    const int64_t hops = 2 * g.sample_rate / g.hop;
    const double stream_s = median_seconds(3, [&] {
      for (int64_t k = 0; k < hops; ++k) stream.next(zp.data(), classes.data(), hop.data());
    });
    r.rtf = stream_s / (double(hops) * g.hop / g.sample_rate);
    const std::vector<float> two_s(static_cast<std::size_t>(2 * g.sample_rate), 0.1f);
    const double resample_s = median_seconds(3, [&] { resample(two_s, g.sample_rate, 48000); });
    r.streams_48k = 2.0 / (stream_s + resample_s);
    // Latency: the smallest power-of-two engine latency without underruns.
    const int note_frames = g.event_length();
    live::NoteRenderer render = [&](const live::NoteRequest& q, std::span<float> out) {
      const std::vector<float> y = sample(single, q.seed, g.n_grains, g.event_length());
      const int frames = std::min<int>(static_cast<int>(out.size()), static_cast<int>(y.size()));
      std::copy(y.begin(), y.begin() + frames, out.begin());
      return frames;
    };
    r.latency_frames = 0;
    for (int latency = 128; latency <= 16384 && r.latency_frames == 0; latency *= 2)
      if (underruns_at(latency, g.sample_rate, note_frames, render, 1.5) == 0)
        r.latency_frames = latency;
    r.latency_ms = 1e3 * r.latency_frames / g.sample_rate;
  }
  r.peak_rss_mb = peak_rss_mb();
  return r;
}

nlohmann::json BenchResult::to_json() const {
  return {{"preset", preset},           {"threads", threads},
          {"batch_size", batch_size},   {"train_step_s", train_step_s},
          {"encode_1s_ms", encode_1s_ms}, {"decode_1s_ms", decode_1s_ms},
          {"sample_1s_ms", sample_1s_ms}, {"sample_1s_half_ms", sample_1s_half_ms},
          {"half_error", half_error},   {"torch_decode_1s_ms", torch_decode_1s_ms},
          {"torch_sample_1s_ms", torch_sample_1s_ms}, {"voices_48k", voices_48k},
          {"streams_48k", streams_48k}, {"rtf", rtf},
          {"latency_ms", latency_ms},   {"latency_frames", latency_frames},
          {"parameters", parameters},   {"model_mb", model_mb},
          {"peak_rss_mb", peak_rss_mb}, {"clock", cpu_time ? "thread cpu" : "wall"}};
}

std::string BenchResult::text() const {
  char buf[1024];
  std::snprintf(buf, sizeof buf,
                "preset %s, %d thread(s), %s time\n"
                "  training step (batch %d)  %8.3f s\n"
                "  encode 1 s of audio       %8.2f ms\n"
                "  decode 1 s of audio       %8.2f ms (LibTorch %.2f ms)\n"
                "  sample 1 s (event + grain)%8.2f ms (LibTorch %.2f ms)\n"
                "  ... float16 recurrent     %8.2f ms (sound differs by %.1e RMS)\n"
                "  drum voices at 48 kHz     %8.1f per thread in real time\n"
                "  grain streams at 48 kHz   %8.1f per thread in real time\n"
                "  streaming real-time factor%8.4f\n"
                "  trigger-to-sound latency  %8.1f ms (%d frames)\n"
                "  parameters                %8.2f M\n"
                "  model weights             %8.2f MB\n"
                "  peak memory               %8.1f MB\n",
                preset.c_str(), threads, cpu_time ? "thread CPU" : "wall-clock", batch_size, train_step_s, encode_1s_ms, decode_1s_ms,
                torch_decode_1s_ms, sample_1s_ms, torch_sample_1s_ms, sample_1s_half_ms,
                half_error, voices_48k, streams_48k, rtf, latency_ms, latency_frames,
                parameters / 1e6, model_mb, peak_rss_mb);
  return buf;
}

}  // namespace ngsynth
