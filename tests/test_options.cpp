// Options: the two presets, JSON round trips, and the errors a hand-edited file or a
// --set override can cause.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ngsynth/spec/options.h"
#include "ngsynth/util/error.h"

namespace ngsynth {
namespace {
using nlohmann::json;

// The message of the Error thrown by f, or "" when none is thrown.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Options, FastPresetIsTheDefaultsAt16kHz) {
  const Preset p = make_preset("fast");
  EXPECT_EQ(p.grain.preset, "fast");
  EXPECT_EQ(p.grain.sample_rate, 16000);
  EXPECT_EQ(p.grain.grain, 1024);
  EXPECT_EQ(p.grain.event_length(), 40 * 256 + 1024);  // 11264
  EXPECT_EQ(p.grain.n_bins(), 513);
  EXPECT_NO_THROW(p.grain.validate());
  EXPECT_NO_THROW(p.train.validate());
}

TEST(Options, PaperPresetMatchesThePaper) {
  const Preset p = make_preset("paper");
  EXPECT_EQ(p.grain.sample_rate, 22050);
  EXPECT_EQ(p.grain.grain, 2048);
  EXPECT_EQ(p.grain.hop, 512);
  EXPECT_EQ(p.grain.event_length(), 22528);  // paper: 22528 samples per event
  EXPECT_EQ(p.grain.encoder, Encoder::conv);
  EXPECT_EQ(p.train.batch_size, 24);
  EXPECT_DOUBLE_EQ(p.train.lr, 2e-4);
  EXPECT_NO_THROW(p.grain.validate());
  EXPECT_NO_THROW(p.train.validate());
}

TEST(Options, UnknownPresetListsTheValidNames) {
  const std::string msg = error_of([] { make_preset("slow"); });
  EXPECT_NE(msg.find("slow"), std::string::npos) << msg;
  EXPECT_NE(msg.find("fast, paper, tonal"), std::string::npos) << msg;
  EXPECT_EQ(preset_names(), (std::vector<std::string>{"fast", "paper", "tonal"}));
}

TEST(Options, TonalPresetIsTheFastOneWithTheTonalBankAndLongerScales) {
  const Preset fast = make_preset("fast"), tonal = make_preset("tonal");
  EXPECT_FALSE(fast.grain.tonal);
  EXPECT_TRUE(tonal.grain.tonal);
  EXPECT_EQ(tonal.grain.tonal_oversample, 4);
  EXPECT_EQ(tonal.grain.stft_scales.front(), 4096);
  EXPECT_EQ(tonal.grain.decoder_outputs(), 2 * fast.grain.decoder_outputs());
  // Everything else is the fast preset's.
  nlohmann::json a = fast.grain, b = tonal.grain;
  for (const char* k : {"preset", "tonal", "stft_scales"}) a.erase(k), b.erase(k);
  EXPECT_EQ(a, b);
  EXPECT_EQ(nlohmann::json(fast.train), nlohmann::json(tonal.train));
  EXPECT_NO_THROW(tonal.grain.validate());
}

TEST(Options, GrainJsonRoundTripKeepsEveryField) {
  GrainOptions g = make_preset("paper").grain;
  g.z_dim = 77;
  g.stft_scales = {512, 64};
  g.log_eps = 3e-6;
  g.conditional = false;
  g.tonal = true;
  const json j = g;
  const GrainOptions back = j.get<GrainOptions>();
  EXPECT_EQ(json(back), j);
  EXPECT_EQ(back.z_dim, 77);
  EXPECT_EQ(back.stft_scales, (std::vector<int>{512, 64}));
  EXPECT_FALSE(back.conditional);
  EXPECT_TRUE(back.tonal);
  EXPECT_EQ(back.decoder_outputs(), 2 * back.n_bins());
}

TEST(Options, FilesWithoutTheTonalKeyAreThePlainNoiseDecoder) {
  // Model files written before the tonal bank existed have no "tonal" key.
  const GrainOptions g = json{{"z_dim", 32}}.get<GrainOptions>();
  EXPECT_FALSE(g.tonal);
  EXPECT_EQ(g.decoder_outputs(), g.n_bins());
}

TEST(Options, ClassFilmRoundTripsIsOffInOldFilesAndNeedsTheClass) {
  GrainOptions g = make_preset("fast").grain;
  EXPECT_FALSE(g.class_film);
  g.class_film = true;
  EXPECT_TRUE(json(g).get<GrainOptions>().class_film);
  EXPECT_NO_THROW(g.validate());
  EXPECT_FALSE((json{{"z_dim", 32}}.get<GrainOptions>().class_film));  // files from before it
  g.conditional = false;
  const std::string msg = error_of([&] { g.validate(); });
  EXPECT_NE(msg.find("class_film"), std::string::npos) << msg;
}

TEST(Options, FilterLossRoundTripsIsOffInOldFilesAndNeedsThePlainDecoder) {
  GrainOptions g = make_preset("fast").grain;
  EXPECT_EQ(g.filter_loss_weight, 0.0);
  g.filter_loss_weight = 0.5;
  EXPECT_EQ(json(g).get<GrainOptions>().filter_loss_weight, 0.5);
  EXPECT_NO_THROW(g.validate());
  EXPECT_EQ((json{{"z_dim", 32}}.get<GrainOptions>().filter_loss_weight), 0.0);
  g.tonal = true;
  std::string msg = error_of([&] { g.validate(); });
  EXPECT_NE(msg.find("filter_loss_weight"), std::string::npos) << msg;
  g.tonal = false;
  g.filter_loss_weight = -1;
  msg = error_of([&] { g.validate(); });
  EXPECT_NE(msg.find("filter_loss_weight"), std::string::npos) << msg;
}

TEST(Options, TrainJsonRoundTripKeepsEveryField) {
  TrainOptions t;
  t.max_steps = 1234567890123;
  t.seed = 0xfedcba9876543210ULL;  // above 2^63: must survive as unsigned
  t.beta_max = 0.125;
  const json j = t;
  const TrainOptions back = j.get<TrainOptions>();
  EXPECT_EQ(json(back), j);
  EXPECT_EQ(back.max_steps, 1234567890123);
  EXPECT_EQ(back.seed, 0xfedcba9876543210ULL);
}

TEST(Options, MissingKeysKeepDefaults) {
  const GrainOptions g = json{{"z_dim", 32}}.get<GrainOptions>();
  EXPECT_EQ(g.z_dim, 32);
  EXPECT_EQ(g.grain, GrainOptions{}.grain);
}

TEST(Options, UnknownKeyIsAnErrorNamingIt) {
  const std::string msg = error_of([] { json{{"z_dimm", 32}}.get<GrainOptions>(); });
  EXPECT_NE(msg.find("z_dimm"), std::string::npos) << msg;
  const std::string msg2 = error_of([] { json{{"learning_rate", 1}}.get<TrainOptions>(); });
  EXPECT_NE(msg2.find("learning_rate"), std::string::npos) << msg2;
}

TEST(Options, WrongTypeIsAnErrorNamingTheKey) {
  const std::string msg = error_of([] { json{{"grain", "big"}}.get<GrainOptions>(); });
  EXPECT_NE(msg.find("grain"), std::string::npos) << msg;
  EXPECT_NE(msg.find("big"), std::string::npos) << msg;
  EXPECT_NE(error_of([] { json::array().get<TrainOptions>(); }), "");
}

TEST(Options, ValidateNamesTheBadField) {
  GrainOptions g;
  g.grain = 1000;  // not a power of two
  EXPECT_NE(error_of([&] { g.validate(); }).find("grain"), std::string::npos);
  g = GrainOptions{};
  g.hop = 300;  // does not divide 1024
  EXPECT_NE(error_of([&] { g.validate(); }).find("hop"), std::string::npos);
  g = GrainOptions{};
  g.stft_scales = {32768};  // longer than an event
  EXPECT_NE(error_of([&] { g.validate(); }).find("stft_scales"), std::string::npos);
  TrainOptions t;
  t.lr_final = 1.0;  // above lr
  EXPECT_NE(error_of([&] { t.validate(); }).find("lr_final"), std::string::npos);
}

TEST(Options, OverridesParseJsonValuesElseStrings) {
  json j = GrainOptions{};
  apply_overrides(j, {"z_dim=64", "encoder=conv", "stft_scales=[256,128]", "flat_edges=false"});
  const GrainOptions g = j.get<GrainOptions>();
  EXPECT_EQ(g.z_dim, 64);
  EXPECT_EQ(g.encoder, Encoder::conv);
  EXPECT_EQ(g.stft_scales, (std::vector<int>{256, 128}));
  EXPECT_FALSE(g.flat_edges);
}

TEST(Options, EnumsAreWrittenAndReadByName) {
  const json j = GrainOptions{};
  EXPECT_EQ(j.at("encoder"), "spectral");
  EXPECT_EQ(json(EventOptions{}).at("rnn"), "gru");
  json bad = j;
  bad["encoder"] = "fft";
  EXPECT_EQ(error_of([&] { bad.get<GrainOptions>(); }), "grain option encoder: must be conv or spectral, not \"fft\"");
  bad["encoder"] = 1;  // the enum's number is not its name
  EXPECT_EQ(error_of([&] { bad.get<GrainOptions>(); }), "grain option encoder: expected conv or spectral, got 1");
  EXPECT_EQ(parse_stage("joint"), Stage::joint);
  EXPECT_EQ(error_of([&] { parse_stage("classify"); }), "unknown stage 'classify' (valid: grain, temporal or joint)");
}

TEST(Options, OverrideErrorsNameTheAssignment) {
  json j = TrainOptions{};
  const std::string unknown = error_of([&] { apply_overrides(j, {"lr_max=1"}); });
  EXPECT_NE(unknown.find("lr_max"), std::string::npos) << unknown;
  const std::string no_eq = error_of([&] { apply_overrides(j, {"lr"}); });
  EXPECT_NE(no_eq.find("key=value"), std::string::npos) << no_eq;
  // A value of the wrong type is caught when the JSON is read back.
  apply_overrides(j, {"batch_size=many"});
  EXPECT_NE(error_of([&] { j.get<TrainOptions>(); }).find("batch_size"), std::string::npos);
}

// Numbers are range-checked before they become ints: a checksum-valid model header with
// z_dim = 4294967424 once loaded as 128, post_filter_taps = 4294967296 as 0, and a float
// such as 1e30 read as an int is undefined behaviour.
TEST(Options, IntegersAreRangeCheckedAndNamed) {
  const auto grain_error = [](const std::string& key, const std::string& value) {
    json j = GrainOptions{};
    j[key] = json::parse(value);
    return error_of([&] { j.get<GrainOptions>(); });
  };
  EXPECT_EQ(grain_error("z_dim", "4294967424"),
            "grain option z_dim: 4294967424 is out of range (-2147483648..2147483647)");
  EXPECT_EQ(grain_error("post_filter_taps", "4294967296"),
            "grain option post_filter_taps: 4294967296 is out of range (-2147483648..2147483647)");
  EXPECT_EQ(grain_error("z_dim", "-2147483649"),
            "grain option z_dim: -2147483649 is out of range (-2147483648..2147483647)");
  EXPECT_EQ(grain_error("z_dim", "1e30"), "grain option z_dim: expected an integer, got 1e+30");
  EXPECT_EQ(grain_error("z_dim", "64.0"), "grain option z_dim: expected an integer, got 64.0");
  EXPECT_EQ(grain_error("stft_scales", "[256, 4294967552]"),
            "grain option stft_scales[1]: 4294967552 is out of range (-2147483648..2147483647)");
  EXPECT_EQ(grain_error("conditional", "1"), "grain option conditional: expected true or false, got 1");
  EXPECT_EQ(grain_error("encoder", "7"), "grain option encoder: expected conv or spectral, got 7");
  EXPECT_EQ(grain_error("z_dim", "64"), "");

  json t = TrainOptions{};
  t["seed"] = -1;
  EXPECT_EQ(error_of([&] { t.get<TrainOptions>(); }),
            "train option seed: -1 is out of range (0..18446744073709551615)");
  t["seed"] = json::parse("18446744073709551615");
  EXPECT_EQ(t.get<TrainOptions>().seed, 18446744073709551615ull);
  json e = EventOptions{};
  e["free_bits"] = "x";
  EXPECT_EQ(error_of([&] { e.get<EventOptions>(); }), "event option free_bits: expected a number, got \"x\"");
}

}  // namespace
}  // namespace ngsynth
