#include "ngsynth/model/classifier.h"

#include <algorithm>
#include <cmath>

#include "ngsynth/model/model_file.h"
#include "ngsynth/model/batcher.h"
#include "ngsynth/util/container.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"

namespace ngsynth {
namespace nn = torch::nn;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {
const std::string kMagic = "NGSCLASS";
constexpr uint32_t kVersion = 1;
constexpr int kBlocks = 3;

double hz_to_mel(double f) { return 2595.0 * std::log10(1.0 + f / 700.0); }
double mel_to_hz(double m) { return 700.0 * (std::pow(10.0, m / 2595.0) - 1.0); }

// Frames after kBlocks poolings by 2 (floor each time), for the flattened head size.
int pooled(int n) {
  for (int i = 0; i < kBlocks; ++i) n /= 2;
  return n;
}
}  // namespace

torch::Tensor mel_filterbank(int sample_rate, int n_fft, int n_mels, double f_min) {
  const int bins = n_fft / 2 + 1;
  const double lo = hz_to_mel(f_min), hi = hz_to_mel(sample_rate / 2.0);
  std::vector<double> edges(n_mels + 2);
  for (int i = 0; i < n_mels + 2; ++i) edges[i] = mel_to_hz(lo + (hi - lo) * i / (n_mels + 1));
  torch::Tensor fb = torch::zeros({n_mels, bins});
  auto a = fb.accessor<float, 2>();
  for (int m = 0; m < n_mels; ++m)
    for (int k = 0; k < bins; ++k) {
      const double f = double(k) * sample_rate / n_fft;
      const double up = (f - edges[m]) / (edges[m + 1] - edges[m]);
      const double down = (edges[m + 2] - f) / (edges[m + 2] - edges[m + 1]);
      a[m][k] = float(std::max(0.0, std::min(up, down)));
    }
  return fb;
}

DrumClassifierImpl::DrumClassifierImpl(ClassifierOptions options, int sample_rate, int n_classes)
    : options_(std::move(options)), sample_rate_(sample_rate), n_classes_(n_classes) {
  options_.validate();
  if (sample_rate < 1000 || n_classes < 2) throw Error("classifier: needs at least 2 classes");
  const ClassifierOptions& o = options_;
  convs_ = nn::Sequential();
  int64_t in = 1, ch = o.channels;
  for (int b = 0; b < kBlocks; ++b, in = ch, ch *= 2) {
    convs_->push_back(nn::Conv2d(nn::Conv2dOptions(in, ch, 3).padding(1)));
    convs_->push_back(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)));
    convs_->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(2)));
  }
  convs_ = register_module("convs", convs_);
  const int64_t flat = 2 * in * pooled(o.n_mels);  // mean and max over time
  if (pooled(o.n_mels) < 1) throw Error("classifier option n_mels: too few for the conv blocks");
  embed_ = register_module("embed", nn::Linear(flat, o.embed_dim));
  dropout_ = register_module("dropout", nn::Dropout(o.dropout));
  head_ = register_module("head", nn::Linear(o.embed_dim, n_classes));
  mel_ = register_buffer("mel", mel_filterbank(sample_rate, o.n_fft, o.n_mels, o.f_min));
  window_ = register_buffer("window", torch::hann_window(o.n_fft, /*periodic=*/true));
  feat_mean_ = register_buffer("feat_mean", torch::zeros({o.n_mels}));
  feat_std_ = register_buffer("feat_std", torch::ones({o.n_mels}));
}

void DrumClassifierImpl::set_feature_stats(const torch::Tensor& mean, const torch::Tensor& std) {
  torch::NoGradGuard no_grad;
  feat_mean_.copy_(mean.reshape({options_.n_mels}));
  feat_std_.copy_(std.reshape({options_.n_mels}).clamp_min(1e-3));
}

torch::Tensor DrumClassifierImpl::features(const torch::Tensor& audio) const {
  TORCH_CHECK(audio.dim() == 2, "classifier: expected (batch, samples)");
  const int64_t n_fft = options_.n_fft, hop = n_fft / 4;
  torch::Tensor x = audio / audio.abs().amax(1, true).clamp_min(1e-8);
  const int64_t t = x.size(1);
  const int64_t frames = std::max<int64_t>(8, 1 + (std::max<int64_t>(t, n_fft) - n_fft) / hop);
  const int64_t needed = (frames - 1) * hop + n_fft;
  if (needed > t) x = torch::constant_pad_nd(x, {0, needed - t});
  torch::Tensor spec = torch::fft::rfft(x.unfold(1, n_fft, hop) * window_);
  torch::Tensor mel = torch::matmul(spec.abs().square(), mel_.t());  // (B, frames, mels)
  torch::Tensor db = 10.0 * torch::log10(mel + 1e-10);
  return ((db - feat_mean_) / feat_std_).transpose(1, 2).unsqueeze(1);
}

ClassifierOutput DrumClassifierImpl::forward(const torch::Tensor& audio) {
  torch::Tensor h = convs_->forward(features(audio));  // (B, C, mels', frames')
  torch::Tensor pooled = torch::cat({h.mean(3), std::get<0>(h.max(3))}, 1).flatten(1);
  torch::Tensor e = torch::leaky_relu(embed_->forward(pooled), 0.2);
  return {head_->forward(dropout_->forward(e)), e};
}

Classifier::Result Classifier::classify(const torch::Tensor& audio) const {
  torch::NoGradGuard no_grad;
  DrumClassifier n = net;
  const bool was_training = n->is_training();
  n->eval();
  Result r;
  std::vector<torch::Tensor> emb;
  const torch::Tensor x = audio.to(torch::kFloat32);
  for (int64_t i = 0; i < x.size(0); i += 64) {
    ClassifierOutput o = n->forward(x.slice(0, i, std::min<int64_t>(i + 64, x.size(0))));
    torch::Tensor p = o.logits.argmax(1).to(torch::kCPU);
    for (int64_t k = 0; k < p.size(0); ++k) r.predicted.push_back(int(p[k].item<int64_t>()));
    emb.push_back(o.embedding.to(torch::kCPU, torch::kFloat64));
  }
  r.embedding = emb.empty() ? torch::zeros({0, n->options().embed_dim}, torch::kFloat64)
                            : torch::cat(emb, 0);
  if (was_training) n->train();
  return r;
}

int Classifier::class_of(const std::string& name) const {
  auto it = std::find(classes.begin(), classes.end(), name);
  return it == classes.end() ? -1 : int(it - classes.begin());
}

namespace {

// A fingerprint of what a classifier learns from: samples, classes, labels and split.
uint64_t dataset_fingerprint(const Dataset& d) {
  uint64_t h = fnv1a64(d.samples.data(), d.samples.size() * sizeof(float));
  for (const auto& c : d.classes) h = fnv1a64(c, h);
  for (const auto& e : d.entries) {
    const int32_t v[2] = {e.class_index, e.split == Split::test};
    h = fnv1a64(v, sizeof v, h);
  }
  return h;
}

// Small random time shifts (0..30 ms later) and noise 30..60 dB below the peak.
torch::Tensor augment(const torch::Tensor& audio, int sample_rate, at::Generator& gen) {
  const int64_t b = audio.size(0), t = audio.size(1);
  torch::Tensor u = torch::rand({b, 2}, gen);
  std::vector<torch::Tensor> rows;
  for (int64_t i = 0; i < b; ++i) {
    const int64_t shift = int64_t(u[i][0].item<float>() * 0.03 * sample_rate);
    torch::Tensor row = audio[i];
    if (shift > 0) row = torch::cat({torch::zeros({shift}), row.slice(0, 0, t - shift)});
    rows.push_back(row);
  }
  torch::Tensor x = torch::stack(rows);
  torch::Tensor level = torch::pow(10.0, (-30.0 - 30.0 * u.select(1, 1)) / 20.0).unsqueeze(1);
  return x + torch::randn({b, t}, gen) * level * x.abs().amax(1, true);
}

json accuracy_report(const Classifier& c, const Dataset& data, Split split) {
  const auto idx = data.indices(split);
  json j = {{"events", idx.size()}, {"accuracy", nullptr}, {"classes", json::object()}};
  if (idx.empty()) return j;
  Batcher all(data, idx, static_cast<int>(idx.size()), 0);
  const Batch b = all.chunk(0);
  const auto r = c.classify(b.audio);
  std::vector<int> right(data.classes.size(), 0), count(data.classes.size(), 0);
  int total = 0;
  for (std::size_t i = 0; i < idx.size(); ++i) {
    const int truth = data.entries[idx[i]].class_index;
    ++count[truth];
    if (r.predicted[i] == truth) ++right[truth], ++total;
  }
  j["accuracy"] = double(total) / idx.size();
  for (std::size_t k = 0; k < data.classes.size(); ++k)
    if (count[k] > 0)
      j["classes"][data.classes[k]] = {{"events", count[k]},
                                       {"accuracy", double(right[k]) / count[k]}};
  return j;
}

}  // namespace

Classifier train_classifier(const Dataset& data, const ClassifierOptions& o,
                            const std::function<void(int, int, double)>& progress) {
  o.validate();
  const auto train = data.indices(Split::train);
  if (train.empty()) throw Error("the dataset has no training events to train a classifier on");
  const int n_classes = static_cast<int>(data.classes.size());
  torch::manual_seed(o.seed);
  Classifier c;
  c.classes = data.classes;
  c.net = DrumClassifier(o, data.sample_rate, n_classes);
  {  // per-band feature statistics of the training events
    torch::NoGradGuard no_grad;
    Batcher all(data, train, 64, 0);
    std::vector<torch::Tensor> f;
    for (std::size_t k = 0; k < all.chunk_count(); ++k)
      f.push_back(c.net->features(all.chunk(k).audio).squeeze(1).transpose(1, 2).reshape(
          {-1, o.n_mels}));
    torch::Tensor feats = torch::cat(f, 0);
    c.net->set_feature_stats(feats.mean(0), feats.std(0));
  }
  // Classes weighted by inverse frequency, so that 22 claps count as much as 210 percs.
  std::vector<double> count(n_classes, 0);
  for (std::size_t i : train) ++count[data.entries[i].class_index];
  torch::Tensor weight = torch::zeros({n_classes});
  for (int k = 0; k < n_classes; ++k)
    weight[k] = count[k] > 0 ? double(train.size()) / (n_classes * count[k]) : 0.0;

  torch::optim::Adam opt(c.net->parameters(), torch::optim::AdamOptions(o.lr));
  Batcher batches(data, train, o.batch_size, o.seed);
  c.net->train();
  double avg = 0;
  for (int step = 0; step < o.steps; ++step) {
    const double lr = o.lr * 0.5 * (1 + std::cos(M_PI * step / o.steps));  // cosine decay
    for (auto& g : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(lr);
    at::Generator gen = make_generator(mix_seed(o.seed, static_cast<uint64_t>(step)));
    Batch b = batches.at_step(step);
    torch::Tensor logits = c.net->forward(augment(b.audio, data.sample_rate, gen)).logits;
    torch::Tensor loss = torch::nn::functional::cross_entropy(
        logits, b.labels, torch::nn::functional::CrossEntropyFuncOptions().weight(weight));
    opt.zero_grad();
    loss.backward();
    opt.step();
    avg += (loss.item<double>() - avg) * (step == 0 ? 1.0 : 0.05);
    if (progress && ((step + 1) % 50 == 0 || step + 1 == o.steps)) progress(step + 1, o.steps, avg);
  }
  c.net->eval();
  c.info = {{"test", accuracy_report(c, data, Split::test)},
            {"train", accuracy_report(c, data, Split::train)},
            {"dataset_fingerprint", std::to_string(dataset_fingerprint(data))},
            {"final_loss", avg}};
  return c;
}

json classifier_header(const Classifier& c) {
  return {{"options", c.net->options()},
          {"sample_rate", c.net->sample_rate()},
          {"classes", c.classes},
          {"info", c.info}};
}

std::string classifier_bytes(const Classifier& c) {
  DrumClassifier net = c.net;  // a shared handle: saving does not change the weights
  return module_bytes(*net);
}

Classifier load_classifier_blob(const json& header, const std::string& bytes,
                                const fs::path& origin) {
  Classifier c;
  ClassifierOptions o;
  int rate = 0;
  try {
    o = header.at("options").get<ClassifierOptions>();
    rate = header.at("sample_rate").get<int>();
    c.classes = header.at("classes").get<std::vector<std::string>>();
    c.info = header.value("info", json::object());
  } catch (const json::exception& e) {
    fail_file(origin, std::string("classifier header: ") + e.what());
  } catch (const Error& e) {
    fail_file(origin, std::string("classifier header: ") + e.what());
  }
  if (rate < 1000 || rate > 192000 || c.classes.size() < 2 || c.classes.size() > 4096)
    fail_file(origin, "classifier header: invalid sample rate or classes");
  c.net = DrumClassifier(o, rate, static_cast<int>(c.classes.size()));
  load_module_bytes(*c.net, bytes, torch::kCPU, origin);
  c.net->eval();
  return c;
}

void save_classifier(const fs::path& path, const Classifier& c) {
  Container box;
  box.header = classifier_header(c);
  box.header["format"] = "ngsynth classifier";
  box.blobs.push_back(classifier_bytes(c));
  write_container(path, kMagic, kVersion, box);
}

Classifier load_classifier(const fs::path& path) {
  Container box = read_container(path, kMagic, kVersion, "classifier file");
  if (box.blobs.size() != 1) fail_file(path, "classifier file holds no weights");
  return load_classifier_blob(box.header, box.blobs[0], path);
}

fs::path classifier_cache_path(const fs::path& data_path) {
  fs::path p = data_path;
  p.replace_extension(".classifier.ngk");
  return p;
}

Classifier dataset_classifier(const fs::path& data_path, const Dataset& data,
                              const ClassifierOptions& options,
                              const std::function<void(const std::string&)>& log) {
  const fs::path cache = classifier_cache_path(data_path);
  const std::string fingerprint = std::to_string(dataset_fingerprint(data));
  if (fs::exists(cache)) {
    try {
      Classifier c = load_classifier(cache);
      if (c.info.value("dataset_fingerprint", "") == fingerprint &&
          json(c.net->options()) == json(options) && c.classes == data.classes)
        return c;
      if (log) log("classifier cache " + cache.string() + " is for other data or options: retraining");
    } catch (const Error& e) {
      if (log) log(std::string("ignoring the classifier cache: ") + e.what());
    }
  }
  if (log) log("training the drum classifier on the training split (cached in " + cache.string() + ")");
  Classifier c = train_classifier(data, options);
  try {
    save_classifier(cache, c);
  } catch (const std::exception& e) {
    if (log) log(std::string("could not cache the classifier: ") + e.what());
  }
  return c;
}

}  // namespace ngsynth
