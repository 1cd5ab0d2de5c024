// The drum classifier, the Frechet distance, level measures and the class-fidelity report.
#include <gtest/gtest.h>

#include <cmath>

#include "model_test_util.h"
#include "ngsynth/audio/levels.h"
#include "ngsynth/eval/fidelity.h"
#include "ngsynth/model/grain_vae.h"
#include "ngsynth/model/classifier.h"
#include "ngsynth/util/error.h"
#include "test_support.h"
#include "trained_model.h"

namespace ngsynth {
namespace {

// Three classes separable by construction at 8 kHz, 0.25 s each: decaying sines of 200..600
// Hz, decaying noise bursts, and single clicks at a random position; every 4th in the test
// split. With `shuffle`, the labels are a fixed permutation of the truth.
Dataset separable_dataset(int per_class, bool shuffle = false) {
  Dataset d;
  d.sample_rate = 8000;
  d.event_length = 2000;
  d.classes = {"sine", "noise", "click"};
  torch::manual_seed(5);
  std::vector<int> labels;
  for (int i = 0; i < per_class * 3; ++i) labels.push_back(i % 3);
  std::vector<int> shown = labels;
  if (shuffle) {
    torch::Tensor perm = torch::randperm(int64_t(shown.size()));
    for (std::size_t i = 0; i < shown.size(); ++i) shown[i] = labels[perm[i].item<int64_t>()];
  }
  const torch::Tensor t = torch::arange(d.event_length, torch::kFloat32) / d.sample_rate;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double u = torch::rand({1}).item<double>();
    torch::Tensor x;
    if (labels[i] == 0) {
      x = torch::sin(2 * M_PI * (200 + 400 * u) * t) * torch::exp(-t * 8);
    } else if (labels[i] == 1) {
      x = (torch::rand({d.event_length}) * 2 - 1) * torch::exp(-t * (10 + 20 * u));
    } else {
      x = torch::zeros({d.event_length});
      x[int64_t(50 + 1500 * u)] = 1.0;
    }
    x = x * 0.8;
    d.entries.push_back({"e" + std::to_string(i) + ".wav", shown[i],
                         i % 4 == 3 ? Split::test : Split::train});
    d.samples.insert(d.samples.end(), x.data_ptr<float>(), x.data_ptr<float>() + d.event_length);
  }
  return d;
}

ClassifierOptions small_classifier() {
  ClassifierOptions o;
  o.n_fft = 256;
  o.n_mels = 32;
  o.channels = 8;
  o.embed_dim = 8;
  o.steps = 150;
  o.batch_size = 16;
  return o;
}

TEST(Classifier, LearnsClassesSeparableByConstruction) {
  torch::set_num_threads(1);
  const Classifier c = train_classifier(separable_dataset(40), small_classifier());
  EXPECT_GE(c.info["test"]["accuracy"].get<double>(), 0.95);
  EXPECT_EQ(c.info["test"]["events"].get<int>(), 30);
  for (const auto& name : {"sine", "noise", "click"})
    EXPECT_TRUE(c.info["test"]["classes"].contains(name)) << name;
}

TEST(Classifier, IsAtChanceOnShuffledLabels) {
  torch::set_num_threads(1);
  const Classifier c = train_classifier(separable_dataset(40, true), small_classifier());
  // 30 test events, 3 classes: chance is 1/3; 0.6 is far above what luck gives.
  EXPECT_LT(c.info["test"]["accuracy"].get<double>(), 0.6);
  EXPECT_GT(c.info["train"]["accuracy"].get<double>(), c.info["test"]["accuracy"].get<double>());
}

TEST(Classifier, FileRoundTripGivesTheSamePredictions) {
  torch::set_num_threads(1);
  test::ScratchDir dir("classifier");
  const Dataset data = separable_dataset(12);
  ClassifierOptions o = small_classifier();
  o.steps = 20;
  const Classifier c = train_classifier(data, o);
  save_classifier(dir / "c.ngk", c);
  const Classifier back = load_classifier(dir / "c.ngk");
  const torch::Tensor audio = torch::from_blob(const_cast<float*>(data.event(0)), {3, 2000});
  EXPECT_TRUE(torch::allclose(c.classify(audio).embedding, back.classify(audio).embedding));
  EXPECT_EQ(back.classes, data.classes);
  // The dataset's cache: trained once, then read back.
  save_dataset(data, dir / "d.ngd");
  const Classifier first = dataset_classifier(dir / "d.ngd", data, o);
  EXPECT_TRUE(std::filesystem::exists(dir / "d.classifier.ngk"));
  const Classifier cached = dataset_classifier(dir / "d.ngd", data, o);
  EXPECT_TRUE(torch::equal(first.classify(audio).embedding, cached.classify(audio).embedding));
  // Foreign and truncated files are one-line errors naming the file.
  test::write_test_wav(dir / "x.ngk", {0.1f, 0.2f}, 8000);
  try {
    load_classifier(dir / "x.ngk");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("x.ngk"), std::string::npos) << e.what();
  }
}

TEST(Frechet, IsZeroForASetAgainstItselfAndGrowsAsTheSquaredShift) {
  torch::manual_seed(1);
  const torch::Tensor a = torch::randn({500, 6}, torch::kFloat64);
  EXPECT_NEAR(frechet_distance(a, a), 0.0, 1e-6);
  // Same covariance, mean moved by delta: the distance is |delta|^2 exactly.
  torch::Tensor delta = torch::zeros({6}, torch::kFloat64);
  delta[0] = 0.5;
  delta[3] = -1.0;
  EXPECT_NEAR(frechet_distance(a, a + delta), 1.25, 1e-6);
  // Scaled by 2: covariance 4 S, trace term tr(S) + 4 tr(S) - 4 tr(S) = tr(S).
  const double tr = torch::cov(a.t()).trace().item<double>() * 499.0 / 500.0;
  EXPECT_NEAR(frechet_distance(a, a * 2 - a.mean(0)), tr, 1e-6 * tr + 1e-6);
  // Weights: a weighted set equals the set its weights describe.
  const torch::Tensor twice = torch::cat({a, a.slice(0, 0, 100)});
  torch::Tensor w = torch::ones({500}, torch::kFloat64);
  w.slice(0, 0, 100) += 1;
  EXPECT_NEAR(frechet_distance(a, a, w / w.sum()), frechet_distance(a, twice), 1e-6);
  EXPECT_THROW(frechet_distance(a, torch::zeros({3, 5}, torch::kFloat64)), Error);
}

TEST(Levels, MeasureRmsPeakDecayAndSilence) {
  const int rate = 8000;
  const torch::Tensor t = torch::arange(8000, torch::kFloat32) / rate;
  const torch::Tensor sine = 0.5 * torch::sin(2 * M_PI * 440 * t);
  // exp(-t / tau) loses 20 dB in tau ln 10 = 0.2303 s for tau = 0.1.
  const torch::Tensor decaying = torch::exp(-t / 0.1) * torch::sin(2 * M_PI * 440 * t);
  Levels s = measure_levels(sine.unsqueeze(0), rate);
  EXPECT_NEAR(s.peak_db, -6.02, 0.05);
  EXPECT_NEAR(s.rms_db, -9.03, 0.05);
  EXPECT_EQ(s.silent_tail, 0.0);
  Levels d = measure_levels(decaying.unsqueeze(0), rate);
  EXPECT_NEAR(d.decay_ms, 230, 20);
  torch::Tensor padded = decaying.clone();
  padded.slice(0, 4000).zero_();
  EXPECT_EQ(measure_levels(padded.unsqueeze(0), rate).silent_tail, 1.0);
}

class FidelityReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::ScratchDir("fidelity");
    data_ = new Dataset;
    model_ = new Model(test::train_tiny_model(dir_->path(), *data_));
    ClassifierOptions o = small_classifier();
    o.steps = 30;
    judge_ = new Classifier(train_classifier(*data_, o));
  }
  static void TearDownTestSuite() {
    delete judge_;
    delete model_;
    delete data_;
    delete dir_;
  }
  static test::ScratchDir* dir_;
  static Dataset* data_;
  static Model* model_;
  static Classifier* judge_;
};
test::ScratchDir* FidelityReportTest::dir_ = nullptr;
Dataset* FidelityReportTest::data_ = nullptr;
Model* FidelityReportTest::model_ = nullptr;
Classifier* FidelityReportTest::judge_ = nullptr;

TEST_F(FidelityReportTest, ReportsEveryMeasurePerClassAndOverall) {
  FidelityOptions o;
  o.samples = 6;
  o.resynth_draws = 3;
  const FidelityReport r = evaluate_fidelity(*model_, *judge_, *data_, Split::test, o);
  ASSERT_EQ(r.classes.size(), 2u);
  EXPECT_EQ(r.prior, "gaussian");  // export fits the class priors
  const nlohmann::json j = r.to_json();
  for (const char* key : {"real_events", "sampled_events", "real_accuracy", "sampled_accuracy",
                          "resynth_accuracy", "frechet", "frechet_real_halves", "real_levels",
                          "sampled_levels", "sampled_heard_as", "resynth_levels",
                          "resynth_heard_as", "resynth_pitch_error_semitones",
                          "real_accuracy_interval", "sampled_accuracy_interval",
                          "resynth_accuracy_interval", "phaseless_accuracy",
                          "phaseless_accuracy_interval", "noise_accuracy", "noise_accuracy_interval"})
    EXPECT_TRUE(j["overall"].contains(key)) << key;
  for (const char* key : {"rms_db", "peak_db", "decay_ms", "silent_tail", "pitch_hz"})
    EXPECT_TRUE(j["overall"]["sampled_levels"].contains(key)) << key;
  EXPECT_EQ(j["overall"]["sampled_events"].get<int>(), 12);
  EXPECT_EQ(j["classes"]["class0"]["real_events"].get<int>(), 1);
  const double a = j["overall"]["sampled_accuracy"].get<double>();
  EXPECT_GE(a, 0.0);
  EXPECT_LE(a, 1.0);
  int heard = 0;
  for (const auto& [name, n] : j["overall"]["sampled_heard_as"].items()) heard += n.get<int>();
  EXPECT_EQ(heard, 12);
  int resynth_heard = 0;  // every draw of every real event's resynthesis is heard as a class
  for (const auto& [name, n] : j["overall"]["resynth_heard_as"].items()) resynth_heard += n.get<int>();
  EXPECT_EQ(resynth_heard, 3 * j["overall"]["real_events"].get<int>());
  EXPECT_EQ(j["resynth_draws"].get<int>(), 3);
  EXPECT_EQ(j["resynth_keeps_level"], true);
  int phaseless_right = 0;  // the yardstick is judged over as many draws as the resyntheses
  for (const auto& [name, row] : j["classes"].items())
    phaseless_right += int(std::lround(row["phaseless_accuracy"].get<double>() * 3 * row["real_events"].get<int>()));
  EXPECT_NEAR(j["overall"]["phaseless_accuracy"].get<double>() * 3 * j["overall"]["real_events"].get<int>(),
              phaseless_right, 1e-6);
  // Every real event of the split, with each of its draws and yardsticks heard as a class
  // of the classifier, agreeing with the per-class accuracies.
  ASSERT_EQ(j["events"].size(), std::size_t(j["overall"]["real_events"].get<int>()));
  int noise_right = 0;
  for (const auto& e : j["events"]) {
    EXPECT_TRUE(e["source"].is_string());
    EXPECT_TRUE(j["classes"].contains(e["class"].get<std::string>()));
    EXPECT_TRUE(e["real_heard_as"].is_string());
    for (const char* which : {"resynth_heard_as", "phaseless_heard_as", "noise_heard_as"})
      EXPECT_EQ(e[which].size(), 3u) << which;
    for (const auto& c : e["noise_heard_as"]) noise_right += c == e["class"];
  }
  EXPECT_NEAR(j["overall"]["noise_accuracy"].get<double>() * 3 * j["overall"]["real_events"].get<int>(),
              noise_right, 1e-6);
  for (const char* which : {"real", "sampled", "resynth", "phaseless", "noise"}) {  // each interval holds its figure
    const std::string key = std::string(which) + "_accuracy";
    const double p = j["overall"][key].get<double>();
    const auto& ci = j["overall"][key + "_interval"];
    EXPECT_LE(ci[0].get<double>(), p) << which;
    EXPECT_GE(ci[1].get<double>(), p) << which;
    EXPECT_LT(ci[1].get<double>() - ci[0].get<double>(), 1.0) << which;
  }
  EXPECT_TRUE(j["overall"]["resynth_levels"]["rms_db"].is_number());
  // 3 test events: too few for per-class or halves distances, the overall one exists.
  EXPECT_TRUE(j["classes"]["class0"]["frechet"].is_null());
  EXPECT_TRUE(j["overall"]["frechet"].is_number());
  // Deterministic for a seed.
  EXPECT_EQ(evaluate_fidelity(*model_, *judge_, *data_, Split::test, o).to_json(), j);
  EXPECT_NE(r.table().find("sample%"), std::string::npos);
}

TEST_F(FidelityReportTest, ResynthesesAreJudgedAtTheirOriginalsLoudness) {
  FidelityOptions o;
  o.samples = 0;
  o.resynth_draws = 2;
  const nlohmann::json kept = evaluate_fidelity(*model_, *judge_, *data_, Split::test, o).to_json();
  o.keep_level = false;
  const nlohmann::json raw = evaluate_fidelity(*model_, *judge_, *data_, Split::test, o).to_json();
  EXPECT_EQ(raw["resynth_keeps_level"], false);
  const auto rms = [](const nlohmann::json& j, const char* which) {
    return j["overall"][which]["rms_db"].get<double>();
  };
  // Each resynthesis is brought to its event's RMS unless its peak would pass the event's.
  EXPECT_LE(rms(kept, "resynth_levels"), rms(kept, "real_levels") + 0.01);
  EXPECT_LE(kept["overall"]["resynth_levels"]["peak_db"].get<double>(),
            kept["overall"]["real_levels"]["peak_db"].get<double>() + 0.01);
  EXPECT_GT(std::fabs(rms(kept, "resynth_levels") - rms(raw, "resynth_levels")), 0.1);
  EXPECT_EQ(kept["overall"]["real_levels"], raw["overall"]["real_levels"]);
}

// The phaseless rebuild keeps what magnitudes hold (a tone's pitch, the energy) and loses
// what phase holds (a click's sharpness).
TEST(Fidelity, PhaselessRebuildKeepsMagnitudesAndLosesPhase) {
  const int rate = 16000, n = 8000;
  const torch::Tensor t = torch::arange(n, torch::kFloat32) / rate;
  torch::Tensor click = torch::zeros({n});
  click[4000] = 1.0f;
  const torch::Tensor x = torch::stack({0.5 * torch::sin(2 * M_PI * 150 * t), click});
  at::Generator gen = make_generator(3);
  const torch::Tensor y = phaseless(x, 1024, 256, gen);
  ASSERT_EQ(y.sizes(), x.sizes());
  // The tone's energy stays within a critical band of it: 90 % between 100 and 200 Hz.
  const torch::Tensor power = torch::fft::rfft(y[0]).abs().square();
  const auto bin = [&](double hz) { return int64_t(hz * n / rate); };
  EXPECT_GT((power.slice(0, bin(100), bin(200)).sum() / power.sum()).item<double>(), 0.9);
  EXPECT_NEAR(rms_db(y[0].contiguous().data_ptr<float>(), n), rms_db(x[0].contiguous().data_ptr<float>(), n), 0.01);
  EXPECT_LT(y[1].abs().max().item<double>(), 0.3);  // the click is smeared over its frames
  at::Generator again = make_generator(3), other = make_generator(4);
  EXPECT_TRUE(torch::equal(phaseless(x, 1024, 256, again), y));
  EXPECT_FALSE(torch::equal(phaseless(x, 1024, 256, other), y));
}

// The decoder's noise under a sound's exact grain magnitudes keeps what those hold (a
// tone's band, the loudness) and, being noise, not its waveform; a generator gives one result.
TEST(Fidelity, NoiseRebuildKeepsGrainMagnitudes) {
  const int rate = 16000;
  const GrainFraming framing(1024, 256, true);
  const int64_t n = framing.length_for(30);
  const torch::Tensor t = torch::arange(n, torch::kFloat32) / rate;
  const torch::Tensor x = torch::stack({0.5 * torch::sin(2 * M_PI * 440 * t),
                                        0.1 * torch::sin(2 * M_PI * 3000 * t) * torch::exp(-8 * t)});
  at::Generator gen = make_generator(5);
  const torch::Tensor y = noise_rebuild(x, framing, gen);
  ASSERT_EQ(y.sizes(), x.sizes());
  const auto bin = [&](double hz) { return int64_t(hz * n / rate); };
  for (int r = 0; r < 2; ++r) {
    const double f = r == 0 ? 440 : 3000;
    const torch::Tensor power = torch::fft::rfft(y[r]).abs().square();
    EXPECT_GT((power.slice(0, bin(f / 1.25), bin(f * 1.25)).sum() / power.sum()).item<double>(), 0.9) << r;
    EXPECT_NEAR(rms_db(y[r].contiguous().data_ptr<float>(), n), rms_db(x[r].contiguous().data_ptr<float>(), n), 0.01);
  }
  // Not the tone itself: noise in its band, so far from it sample by sample.
  EXPECT_GT((y[0] - x[0]).norm().item<double>(), 0.5 * x[0].norm().item<double>());
  // The decaying tone keeps its decay: the last quarter far quieter than the first.
  const auto quarter = [&](int64_t q) { return y[1].slice(0, q * n / 4, (q + 1) * n / 4).square().sum().item<double>(); };
  EXPECT_LT(quarter(3), 0.1 * quarter(0));
  at::Generator again = make_generator(5), other = make_generator(6);
  EXPECT_TRUE(torch::equal(noise_rebuild(x, framing, again), y));
  EXPECT_FALSE(torch::equal(noise_rebuild(x, framing, other), y));
}

// The table names the sounds the model loses: heard right when real, heard as another
// class in most draws of its resynthesis; not those it keeps nor those heard wrong when real.
TEST(Fidelity, TableNamesTheSoundsTheModelLoses) {
  FidelityReport r;
  r.classifier_classes = {"kick", "snare", "perc"};
  r.events = {{"kit/lost.wav", "snare", 1, 1, {2, 2, 1, 2}, {}, {}},
              {"kit/kept.wav", "snare", 1, 1, {1, 2, 1, 1}, {}, {}},
              {"kit/half.wav", "kick", 0, 0, {0, 1, 0, 1}, {}, {}},
              {"kit/misheard.wav", "kick", 0, 2, {2, 2, 2, 2}, {}, {}}};
  const std::string t = r.table();
  EXPECT_NE(t.find("snare kit/lost.wav: 3 of 4 draws heard as perc"), std::string::npos) << t;
  for (const char* kept : {"kept.wav", "half.wav", "misheard.wav"})
    EXPECT_EQ(t.find(kept), std::string::npos) << kept;
  r.events.erase(r.events.begin());
  EXPECT_EQ(r.table().find("most draws"), std::string::npos);
}

TEST_F(FidelityReportTest, NeedsAtLeastOneResynthesisDraw) {
  FidelityOptions o;
  o.samples = 0;
  o.resynth_draws = 0;
  EXPECT_THROW(evaluate_fidelity(*model_, *judge_, *data_, Split::test, o), Error);
}

TEST(Fidelity, WilsonIntervalsMatchTheirFormula) {
  // 8 of 10: centre (0.8 + 1.96^2/20) / (1 + 1.96^2/10), the known [0.490, 0.943].
  const Interval i = wilson_interval(0.8, 10);
  EXPECT_NEAR(i.lo, 0.4902, 1e-3);
  EXPECT_NEAR(i.hi, 0.9433, 1e-3);
  // All right still leaves room below; more trials narrow it.
  EXPECT_NEAR(wilson_interval(1.0, 10).lo, 0.7225, 1e-3);
  EXPECT_DOUBLE_EQ(wilson_interval(1.0, 10).hi, 1.0);
  EXPECT_LT(wilson_interval(0.8, 1000).hi - wilson_interval(0.8, 1000).lo, 0.05);
  EXPECT_TRUE(std::isnan(wilson_interval(0.5, 0).lo));
}

TEST_F(FidelityReportTest, ModelFileKeepsPriorsAndClassifier) {
  Model m = *model_;
  m.classifier = *judge_;
  save_model(dir_->path() / "judged.ngs", m);
  Model back = load_model(dir_->path() / "judged.ngs");
  ASSERT_FALSE(back.classifier.empty());
  EXPECT_EQ(back.info.prior.kind, PriorKind::gaussian);
  EXPECT_EQ(back.info.prior.mu, m.info.prior.mu);
  EXPECT_EQ(back.info.prior.sample(1, 1.0, 3), m.info.prior.sample(1, 1.0, 3));
  const torch::Tensor audio = torch::from_blob(const_cast<float*>(data_->event(0)),
                                               {1, data_->event_length});
  EXPECT_TRUE(torch::allclose(back.classifier.classify(audio).embedding,
                              judge_->classify(audio).embedding));
}

}  // namespace
}  // namespace ngsynth
