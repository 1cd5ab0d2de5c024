// The synthesis runtime's parts without LibTorch: the counter-based generator (known-answer
// vectors of Random123), FFT, dense layers and half precision against naive arithmetic,
// the weights' byte format, overlap-add gain, and a model of random weights played from
// several threads at once with the same samples as played alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstring>
#include <random>
#include <thread>

#include "ngsynth/runtime/recurrent_kernels.h"
#include "ngsynth/runtime/fft.h"
#include "ngsynth/audio/audio_file.h"
#include "ngsynth/kit/kit_sampler.h"
#include "ngsynth/runtime/grain_stream.h"
#include "ngsynth/runtime/instrument.h"
#include "ngsynth/runtime/layers.h"
#include "ngsynth/runtime/noise.h"
#include "ngsynth/runtime/tensor_set.h"
#include "ngsynth/util/error.h"
#include "test_support.h"

namespace ngsynth::rt {
namespace {

std::vector<float> random_values(std::size_t n, uint64_t seed, float scale = 1.0f) {
  std::mt19937_64 rng(seed);
  std::vector<float> v(n);
  for (float& x : v) x = scale * (static_cast<float>(rng() >> 40) / float(1 << 24) * 2 - 1);
  return v;
}

TEST(RuntimeNoise, PhiloxMatchesTheRandom123KnownAnswers) {
  auto w = philox4x32(0, 0, 0);
  EXPECT_EQ(w, (std::array<uint32_t, 4>{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}));
  w = philox4x32(~0ull, ~0ull, ~0ull);
  EXPECT_EQ(w, (std::array<uint32_t, 4>{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}));
  w = philox4x32(0x299f31d0a4093822ull, 0x85a308d3243f6a88ull, 0x0370734413198a2eull);
  EXPECT_EQ(w, (std::array<uint32_t, 4>{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}));
}

TEST(RuntimeNoise, UniformNoiseIsSeededPerGrainAndWithinRange) {
  std::vector<float> a(1000), b(1000), c(1000);
  uniform_noise(7, 3, a.data(), 1000);
  uniform_noise(7, 3, b.data(), 1000);
  uniform_noise(7, 4, c.data(), 1000);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // The vectorised generator gives the words of the scalar definition, in order.
  for (int64_t i = 0; i < 1000; i += 4) {
    const auto w = philox4x32(7, 3, (uint64_t(static_cast<uint32_t>(RandomUse::noise)) << 32) | (i / 4));
    for (int k = 0; k < 4; ++k)
      ASSERT_EQ(a[i + k], static_cast<float>(w[k] >> 8) * (2.0f / 16777216.0f) - 1.0f) << i + k;
  }
  double mean = 0, sq = 0;
  for (float v : a) {
    ASSERT_GE(v, -1.0f);
    ASSERT_LT(v, 1.0f);
    mean += v / 1000.0, sq += v * v / 1000.0;
  }
  EXPECT_NEAR(mean, 0.0, 0.06);
  EXPECT_NEAR(sq, 1.0 / 3.0, 0.04);  // variance of U[-1, 1)
  std::vector<float> g(20000);
  gaussian(5, RandomUse::embedding, g.data(), 20000);
  mean = sq = 0;
  for (float v : g) mean += v / 20000.0, sq += v * v / 20000.0;
  EXPECT_NEAR(mean, 0.0, 0.03);
  EXPECT_NEAR(sq, 1.0, 0.04);
  std::vector<float> h(7);
  gaussian(5, RandomUse::embedding, h.data(), 7);  // a prefix of the same series
  EXPECT_TRUE(std::equal(h.begin(), h.end(), g.begin()));
}

TEST(RuntimeFft, MatchesTheDiscreteFourierTransformAndInverts) {
  const int n = 64;
  const std::vector<float> x = random_values(n, 1);
  RealFft fft(n);
  std::vector<std::complex<float>> spectrum(n / 2 + 1);
  fft.forward(x.data(), spectrum.data());
  for (int k = 0; k <= n / 2; ++k) {
    std::complex<double> ref = 0;
    for (int t = 0; t < n; ++t) ref += double(x[t]) * std::polar(1.0, -2 * M_PI * k * t / n);
    EXPECT_NEAR(spectrum[k].real(), ref.real(), 1e-4) << k;
    EXPECT_NEAR(spectrum[k].imag(), ref.imag(), 1e-4) << k;
  }
  std::vector<float> back(n);
  fft.inverse(spectrum.data(), back.data());
  for (int t = 0; t < n; ++t) EXPECT_NEAR(back[t], x[t], 1e-5);
  EXPECT_THROW(RealFft(7), Error);
}

TEST(RuntimeLayers, LinearAndLayerNormMatchNaiveArithmetic) {
  for (auto [n, in, out] : {std::array<int, 3>{7, 13, 37}, {1, 5, 16}, {13, 64, 33}}) {
    const auto w = random_values(std::size_t(out) * in, 2), b = random_values(out, 3);
    const auto x = random_values(std::size_t(n) * in, 4);
    Linear lin(w, b, out, in);
    std::vector<float> y(std::size_t(n) * out);
    lin.forward(x.data(), n, y.data());
    for (int r = 0; r < n; ++r)
      for (int o = 0; o < out; ++o) {
        double ref = b[o];
        for (int i = 0; i < in; ++i) ref += double(x[r * in + i]) * w[o * in + i];
        ASSERT_NEAR(y[r * out + o], ref, 1e-5) << r << " " << o;
      }
  }
  TensorSet set;
  set.add("ln.weight", {4}, {1, 2, 0.5f, -1});
  set.add("ln.bias", {4}, {0, 1, 0, 0.25f});
  std::vector<float> x = {1, 2, 3, 6};
  LayerNorm::from(set, "ln", 4).forward(x.data(), 1);
  const double mean = 3, sd = std::sqrt((4 + 1 + 0 + 9) / 4.0 + 1e-5);
  EXPECT_NEAR(x[0], (1 - mean) / sd * 1, 1e-6);
  EXPECT_NEAR(x[1], (2 - mean) / sd * 2 + 1, 1e-6);
  EXPECT_NEAR(x[3], (6 - mean) / sd * -1 + 0.25, 1e-6);
  EXPECT_THROW(LayerNorm::from(set, "ln", 5), Error);
}

TEST(RuntimeLayers, HalfPrecisionRoundsToNearestAndTheKernelMatches) {
  const std::vector<float> v = {1.0f, -2.0f, 65504.0f, 1e6f, 0.0f, 1.0f / 3, 6e-8f, 1e-9f};
  std::vector<uint16_t> h(v.size());
  to_half(v.data(), h.data(), static_cast<int64_t>(v.size()));
  EXPECT_EQ(h[0], 0x3c00);
  EXPECT_EQ(h[1], 0xc000);
  EXPECT_EQ(h[2], 0x7bff);
  EXPECT_EQ(h[3], 0x7c00);  // overflow: infinity
  EXPECT_EQ(h[4], 0x0000);
  EXPECT_EQ(h[5], 0x3555);
  EXPECT_EQ(h[6], 0x0001);  // smallest subnormal
  EXPECT_EQ(h[7], 0x0000);
  EXPECT_NEAR(half_to_float(h[5]), 1.0 / 3, 1e-3);
  const int rows = 19, cols = 43;
  const auto wt = random_values(std::size_t(rows) * cols, 5), x = random_values(rows, 6);
  std::vector<uint16_t> wh(wt.size());
  to_half(wt.data(), wh.data(), static_cast<int64_t>(wt.size()));
  std::vector<float> rounded(wt.size()), y_half(cols, 0.5f), y_ref(cols, 0.5f);
  for (std::size_t i = 0; i < wt.size(); ++i) rounded[i] = half_to_float(wh[i]);
  matvec_transposed_half(x.data(), wh.data(), rows, cols, y_half.data());
  matvec_transposed(x.data(), rounded.data(), rows, cols, y_ref.data());
  for (int c = 0; c < cols; ++c) EXPECT_NEAR(y_half[c], y_ref[c], 1e-5);
}

TEST(RuntimeTensorSet, Float16StorageHalvesTheBytesAndRoundsToNearestHalf) {
  TensorSet set;
  std::vector<float> v(1000);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = std::sin(0.37f * i) * (1.0f + i * 0.05f) + 1e-6f * i;
  set.add("w", {10, 100}, v);
  const std::string full = tensor_set_bytes(set), half = tensor_set_bytes(set, Storage::float16);
  EXPECT_EQ(full.size() - half.size(), v.size() * 2);
  const TensorSet back = parse_tensor_set(half, Storage::float16);
  std::vector<uint16_t> h(v.size());
  to_half(v.data(), h.data(), static_cast<int64_t>(v.size()));
  double worst = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    EXPECT_EQ(back.at("w", {10, 100}).data[i], half_to_float(h[i]));
    const float got = back.at("w", {10, 100}).data[i];
    worst = std::max(worst, static_cast<double>(std::fabs(got - v[i]) / std::max(std::fabs(v[i]), 6.1e-5f)));
  }
  EXPECT_LT(worst, 1.0 / 1024);  // half an ulp of an 11-bit significand, and no worse
  EXPECT_GT(worst, 0.0);         // really rounded
  // Read with the wrong storage, the bytes are a clear error, not other weights.
  EXPECT_THROW(parse_tensor_set(half, Storage::float32), Error);
  TensorSet big;
  big.add("huge.weight", {2}, {1.0f, 70000.0f});
  try {
    tensor_set_bytes(big, Storage::float16);
    FAIL() << "a value beyond float16's range was stored";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("huge.weight"), std::string::npos) << e.what();
  }
  // A tensor with a zero dimension holds no values (fuzz_model found a null memcpy here).
  TensorSet empty;
  empty.add("none", {0, 4}, {});
  for (Storage st : {Storage::float32, Storage::float16})
    EXPECT_EQ(parse_tensor_set(tensor_set_bytes(empty, st), st).at("none", {0, 4}).data.size(), 0u);
  // A header claiming 2^33 values in a few bytes is "truncated", not a 32 GB allocation
  // (fuzz_model ran out of memory here).
  std::string claim;
  auto put = [&](const auto v) { claim.append(reinterpret_cast<const char*>(&v), sizeof v); };
  put(uint32_t{1}), put(uint32_t{1}), claim += "w", put(uint32_t{2}), put(int64_t{1} << 17), put(int64_t{1} << 16);
  claim += "just a few bytes";
  try {
    parse_tensor_set(claim);
    FAIL() << "a truncated tensor was read";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
  EXPECT_EQ(parse_storage("float16"), Storage::float16);
  EXPECT_EQ(storage_name(Storage::float32), "float32");
  EXPECT_THROW(parse_storage("int8"), Error);
}

TEST(RuntimeTensorSet, RoundTripsAndRejectsMalformedBytes) {
  TensorSet set;
  set.add("a.weight", {2, 3}, {1, 2, 3, 4, 5, 6});
  set.add("b", {1}, {-0.5f});
  const std::string bytes = tensor_set_bytes(set);
  const TensorSet back = parse_tensor_set(bytes);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back.at("a.weight", {2, 3}).data, set.at("a.weight", {2, 3}).data);
  EXPECT_EQ(back.at("b", {1}).data, std::vector<float>{-0.5f});
  EXPECT_THROW(parse_tensor_set(bytes.substr(0, bytes.size() - 1)), Error);
  EXPECT_THROW(parse_tensor_set(bytes + "x"), Error);
  std::string nan = bytes;
  const float q = std::nanf("");
  std::memcpy(nan.data() + nan.size() - 4, &q, 4);
  EXPECT_THROW(parse_tensor_set(nan), Error);
  try {
    back.at("a.weight", {3, 2});
    FAIL() << "shape mismatch accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("a.weight"), std::string::npos) << e.what();
  }
  EXPECT_THROW(set.add("b", {1}, {1}), Error);
  EXPECT_THROW(set.add("c", {2}, {1}), Error);
}

TEST(RuntimeDecoder, OverlapAddHasGainOneEverywhere) {
  const int n = 5, g = 16, hop = 4;
  const std::vector<float> ones(n * g, 1.0f);
  for (bool flat : {true, false}) {
    const auto y = overlap_add(ones.data(), n, g, hop, hann_window(g), flat);
    ASSERT_EQ(y.size(), std::size_t((n - 1) * hop + g));
    for (std::size_t t = flat ? 0 : 1; t < y.size(); ++t) EXPECT_NEAR(y[t], 1.0f, 1e-6) << t;
  }
}

// A tiny two-level model of random weights, with the tensor names LibTorch's modules give.
struct RandomModel {
  GrainOptions g;
  EventOptions e;
  TensorSet w;
  uint64_t seed = 10;
  void add(const std::string& name, std::vector<int64_t> shape, float scale = 0.3f) {
    int64_t n = 1;
    for (auto d : shape) n *= d;
    w.add(name, shape, random_values(std::size_t(n), ++seed, scale));
  }
  void linear(const std::string& p, int64_t out, int64_t in) {
    add(p + ".weight", {out, in});
    add(p + ".bias", {out});
  }
  RandomModel() {
    g.sample_rate = 8000, g.grain = 256, g.hop = 64, g.n_grains = 9, g.z_dim = 8;
    g.decoder_hidden = 32, g.decoder_layers = 2, g.n_classes = 2, g.post_filter_taps = 9;
    g.stft_scales = {256, 128, 64};
    e.hidden = 16, e.embed_dim = 4;
    const int64_t c = 2, h = 16;
    linear("grain.decoder.mlp.0", 32, 8 + c);
    add("grain.decoder.mlp.1.weight", {32}), add("grain.decoder.mlp.1.bias", {32});
    linear("grain.decoder.mlp.3", 32, 32);
    add("grain.decoder.mlp.4.weight", {32}), add("grain.decoder.mlp.4.bias", {32});
    linear("grain.decoder.mlp.6", 129, 32);
    add("grain.post_filter.weight", {1, 1, 9});
    linear("event.dec_in.0", h, 4 + c);
    linear("event.dec_in.2", h, h);
    add("event.dec_in.3.weight", {h}), add("event.dec_in.3.bias", {h});
    linear("event.dec_h0", h, 4 + c);
    add("event.dec_rnn.weight_ih_l0", {3 * h, h}), add("event.dec_rnn.weight_hh_l0", {3 * h, h});
    add("event.dec_rnn.bias_ih_l0", {3 * h}), add("event.dec_rnn.bias_hh_l0", {3 * h});
    linear("event.dec_out.0", h, h + c);
    linear("event.dec_out.2", 8, h);
    add("event.z_mean", {8}), add("event.z_std", {8});
  }
  std::shared_ptr<const Model> model() const {
    LatentMap map;
    map.z_dim = 8;
    map.mean.assign(8, 0.1f);
    map.stddev.assign(8, 1.0f);
    map.basis.assign(16, 0.0f);
    map.basis[0] = 1, map.basis[9] = 1;
    map.explained = {0.5f, 0.3f};
    return std::make_shared<const Model>(g, std::vector<std::string>{"a", "b"}, e, map, w);
  }
};

TEST(RuntimeModel, RendersExactLengthsDeterministicallyAndNamesMissingWeights) {
  RandomModel r;
  const auto m = r.model();
  Instrument inst(m);
  const auto a = inst.sample_event(1, 5, 1.0f);
  ASSERT_EQ(a.size(), std::size_t(inst.event_frames()));
  EXPECT_EQ(a, inst.sample_event(1, 5, 1.0f));
  EXPECT_NE(a, inst.sample_event(1, 6, 1.0f));
  EXPECT_NE(a, inst.sample_event(0, 5, 1.0f));
  double energy = 0;
  for (float v : a) energy += v * v;
  EXPECT_GT(energy, 1e-6);
  EXPECT_EQ(inst.sample_path(0, 1234, 3).size(), 1234u);
  EXPECT_EQ(inst.xy_event(0, 0.5f, -0.5f, 999, 3).size(), 999u);
  EXPECT_THROW(inst.morph_event(0, 1, 1.5f, 9), Error);
  EXPECT_THROW(inst.sample_event(2, 5, 1.0f), Error);
  TensorSet partial;
  for (const auto& t : r.w.tensors())
    if (t.name != "grain.decoder.mlp.3.weight") partial.add(t.name, t.shape, t.data);
  try {
    Model(r.g, {"a", "b"}, r.e, LatentMap(), partial);
    FAIL() << "missing tensor accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("grain.decoder.mlp.3.weight"), std::string::npos);
  }
}

// No lock and no shared state: renders and streams on four threads at once give the
// samples each gives alone.
TEST(RuntimeModel, ThreadsRenderAtOnceWithTheSamplesOfSerialRenders) {
  RandomModel r;
  const auto m = r.model();
  Instrument inst(m);
  const int hop = m->grain().hop, hops = 40;
  auto stream_out = [&](uint64_t seed) {
    GrainStream s(m->decoder(), seed);
    std::vector<float> z(8, 0.2f), c = m->one_hot(1), y(hop * hops);
    for (int k = 0; k < hops; ++k) {
      z[k % 8] += 0.1f;
      s.next(z.data(), c.data(), y.data() + k * hop);
    }
    return y;
  };
  std::vector<std::vector<float>> serial, parallel(8);
  for (int i = 0; i < 4; ++i) serial.push_back(inst.sample_event(i % 2, 100 + i, 1.0f));
  for (int i = 0; i < 4; ++i) serial.push_back(stream_out(200 + i));
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] {
      for (int rep = 0; rep < 3; ++rep) {
        parallel[i] = inst.sample_event(i % 2, 100 + i, 1.0f);
        parallel[4 + i] = stream_out(200 + i);
      }
    });
  for (auto& t : threads) t.join();
  for (int i = 0; i < 8; ++i) EXPECT_EQ(parallel[i], serial[i]) << i;
}

// `ngsynth kit` over the real runtime: every sample file of the kit is a runtime event of its
// class, drawn with kit::hit_seed, brought to the class's median peak.
TEST(RuntimeInstrument, SamplesAKitOfItsEvents) {
  RandomModel r;
  Instrument inst(r.model());
  kit::KitSampling s;
  s.layers = 2;
  s.seed = 3;
  kit::KitDescription k = kit::sample_kit(inst, s);
  k.name = "random";
  k.sample_format = "float";
  test::ScratchDir dir("runtime-kit");
  const kit::KitDescription w = kit::write_kit(dir / "kit", k);
  ASSERT_EQ(w.instruments.size(), 2u);
  for (int c = 0; c < 2; ++c) {
    const auto& klass = w.instruments[std::size_t(c)];
    EXPECT_EQ(klass.name, c == 0 ? "a" : "b");
    std::vector<std::vector<float>> events;
    std::vector<float> peaks;
    for (int h = 0; h < 2; ++h) {
      events.push_back(inst.sample_event(c, kit::hit_seed(3, klass.name, h), 1.0f));
      float p = 0;
      for (float v : events.back()) p = std::max(p, std::abs(v));
      peaks.push_back(p);
    }
    const float target = std::min(0.98f, 0.5f * (peaks[0] + peaks[1]));
    const std::size_t soft = peaks[0] <= peaks[1] ? 0 : 1;
    for (std::size_t l = 0; l < 2; ++l) {
      const Audio a = read_audio(dir / "kit" / klass.layers[l].file);
      EXPECT_EQ(a.sample_rate, inst.sample_rate());
      const std::size_t e = l == 0 ? soft : 1 - soft;
      ASSERT_EQ(a.samples.size(), events[e].size());
      for (std::size_t i = 0; i < a.samples.size(); i += 53)
        EXPECT_NEAR(a.samples[i], events[e][i] * target / peaks[e], 1e-5f) << c << " " << l << " " << i;
    }
  }
}

}  // namespace
}  // namespace ngsynth::rt
