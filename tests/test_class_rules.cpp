// Instrument-name rules: the mappings the default rules promise, every name of the
// installed kits, the shipped JSON file, and errors of malformed rule files.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "ngsynth/data/class_rules.h"
#include "ngsynth/data/hydrogen_kit.h"
#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

std::string class_of(std::string_view name) {
  return classify(default_drum_rules(), name).class_name;
}

TEST(ClassRules, NormalizeSplitsWordsCaseAndDigits) {
  EXPECT_EQ(normalize_name("BassDrum"), "bass drum");
  EXPECT_EQ(normalize_name("Hi-Hat Closed (Paiste 14\")"), "hi hat closed paiste 14");
  EXPECT_EQ(normalize_name("c#3 - bass drum 1"), "c 3 bass drum 1");
  EXPECT_EQ(normalize_name("Djembe1 Bass"), "djembe 1 bass");
  EXPECT_EQ(normalize_name("  OHH__"), "ohh");
  EXPECT_EQ(normalize_name("--"), "");
}

TEST(ClassRules, TheNamesTheDefaultsPromise) {
  const std::map<std::string, std::string> expected = {
      {"Crash/Ride", "crash"},       {"Ride Bell", "ride"},
      {"China", "crash"},            {"Splash", "crash"},
      {"Floor Tom", "tom"},          {"Snare Rimshot", "snare"},
      {"Hand Clap", "clap"},         {"Finger Snaps", "clap"},
      {"BassDrum", "kick"},          {"Kick", "kick"},
      {"c3 - bass drum 1", "kick"},  {"Djembe1 Bass", "perc"},
      {"Sabian Hat Choke", "hihat"}, {"Closed HH 1", "hihat"},
  };
  for (const auto& [name, cls] : expected) EXPECT_EQ(class_of(name), cls) << name;
}

TEST(ClassRules, MoreNamesFromTheInstalledKits) {
  const std::map<std::string, std::string> expected = {
      {"Ride (Custom, Zagrebin 22\")", "ride"},
      {"Crash/Ride Bell (Paiste Rude Crash/Ride 18\")", "crash"},
      {"Hi-Hat Pedal (Paiste Alpha Metal edge 14\")", "hihat"},
      {"Tambourine Pedal (Pearl PTM-10GH)", "perc"},
      {"Pearl Tom Floor", "tom"},      {"tomhi2", "tom"},
      {"crash20inch--2", "crash"},     {"ride-cup", "ride"},
      {"Paiste Bell", "ride"},         {"Dununba1 Bell", "perc"},
      {"Sangban1 Bell Hit", "perc"},   {"Cowbell", "perc"},
      {"Side OHH", "hihat"},           {"VariBreaks Hat 1 Cl", "hihat"},
      {"Zildjian Splash Choke", "crash"}, {"d#4 - cymbal 1", "crash"},
      {"Pearl Side Stick", "perc"},    {"Stick", "perc"},
      {"redo super opaco", "snare"},   {"Kick (Tama Superstar 22\")", "kick"},
      {"Zap 1", "perc"},               {"Sample: beats_01-39.flac", "perc"},
  };
  for (const auto& [name, cls] : expected) EXPECT_EQ(class_of(name), cls) << name;
}

TEST(ClassRules, EveryInstalledInstrumentGetsAKnownClass) {
  const auto& rules = default_drum_rules();
  int named = 0;
  for (const auto& dir : fs::directory_iterator(test::drumkits_dir())) {
    if (!is_hydrogen_kit(dir.path())) continue;
    for (const auto& instrument : load_hydrogen_kit(dir.path()).instruments) {
      const ClassMatch m = classify(rules, instrument.name);
      EXPECT_FALSE(m.class_name.empty() && !m.ignored) << instrument.name;
      ++named;
    }
  }
  // hydrogen-drumkits: 14 kits, 415 instrument slots; guards an empty kits folder. Debian's
  // hydrogen (h2cli, for the kit tests) brings hydrogen-data and its two kits, GMRockKit
  // and TR808EmulationKit: 34 slots more.
  const bool hydrogen_data = fs::exists(test::drumkits_dir() / "GMRockKit" / "drumkit.xml");
  EXPECT_EQ(named, hydrogen_data ? 449 : 415);
}

TEST(ClassRules, KeywordsMatchAtWordStartsOnly) {
  ClassRules r;
  r.classes = {"tom", "other"};
  r.rules = {{"tom", {"tom"}}};
  r.default_class = "other";
  EXPECT_EQ(classify(r, "Tom Low").class_name, "tom");
  EXPECT_EQ(classify(r, "tomhi").class_name, "tom");
  EXPECT_EQ(classify(r, "Custom").class_name, "other");
  EXPECT_EQ(classify(r, "Tom").keyword, "tom");
  EXPECT_EQ(classify(r, "Custom").keyword, "");
}

TEST(ClassRules, IgnoreWinsAndNoDefaultLeavesUnclassified) {
  ClassRules r;
  r.classes = {"kick"};
  r.rules = {{"kick", {"kick"}}};
  r.ignore = {"metronome"};
  EXPECT_TRUE(classify(r, "Metronome Kick").ignored);
  EXPECT_EQ(classify(r, "Metronome Kick").class_name, "");
  EXPECT_EQ(classify(r, "Gong").class_name, "");
  EXPECT_FALSE(classify(r, "Gong").ignored);
  EXPECT_TRUE(classify(default_drum_rules(), "Metronome").ignored);
}

TEST(ClassRules, DefaultClassesInOrder) {
  EXPECT_EQ(default_drum_rules().classes,
            (std::vector<std::string>{"kick", "snare", "hihat", "tom", "crash", "ride", "clap",
                                      "perc"}));
  EXPECT_EQ(default_drum_rules().default_class, "perc");
}

TEST(ClassRules, ShippedFileEqualsTheBuiltInRules) {
  const fs::path shipped = fs::path(NGSYNTH_SOURCE_DIR) / "data" / "drum_rules.json";
  EXPECT_EQ(json::parse(read_file(shipped)), json::parse(default_drum_rules_json()));
  json a, b;
  to_json(a, load_class_rules(shipped));
  to_json(b, default_drum_rules());
  EXPECT_EQ(a, b);
}

// Writes `text` as a rules file and returns the Error message of loading it.
std::string load_error(const std::string& text) {
  test::ScratchDir dir("rules");
  const fs::path path = dir / "rules.json";
  write_file_atomically(path, text);
  try {
    load_class_rules(path);
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path.string()), std::string::npos) << msg;
    return msg;
  }
  ADD_FAILURE() << "no error for " << text;
  return "";
}

TEST(ClassRules, MalformedFilesNameTheFileAndField) {
  EXPECT_NE(load_error("{\"classes\": [").find("malformed JSON"), std::string::npos);
  const std::string overflow = load_error(R"({"classes": ["a"], "rules": [], "x": 1e999})");
  EXPECT_NE(overflow.find("malformed JSON: number overflow parsing '1e999'"), std::string::npos) << overflow;
  EXPECT_NE(load_error(R"({"classes": ["a", 7], "rules": []})").find("field classes[1]"),
            std::string::npos);
  EXPECT_NE(load_error("[]").find("JSON object"), std::string::npos);
  EXPECT_NE(load_error(R"({"rules": []})").find("field classes"), std::string::npos);
  EXPECT_NE(load_error(R"({"classes": [], "rules": []})").find("field classes"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"classes": ["a", "a"], "rules": []})").find("classes[1]"),
            std::string::npos);
  const std::string two_rules =
      R"({"classes": ["a"], "rules": [{"class": "a", "keywords": ["x"]},
                                       {"class": "b", "keywords": ["y"]}]})";
  const std::string msg = load_error(two_rules);
  EXPECT_NE(msg.find("rules[1].class"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'b'"), std::string::npos) << msg;
  EXPECT_NE(load_error(R"({"classes": ["a"], "rules": [{"class": "a", "keywords": []}]})")
                .find("rules[0].keywords"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"classes": ["a"], "rules": [{"class": "a", "keywords": [3]}]})")
                .find("rules[0].keywords[0]"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"classes": ["a"], "rules": [{"class": "a", "keywords": ["-"]}]})")
                .find("no letters"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"classes": ["a"], "rules": [], "default": "z"})").find("default"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"classes": ["a"], "rules": [], "defualt": "a"})").find("defualt"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"classes": ["a"], "rules": [{"class": "a", "words": ["x"]}]})")
                .find("rules[0].words"),
            std::string::npos);
}

TEST(ClassRules, MissingFileIsNamed) {
  try {
    load_class_rules("/nonexistent/rules.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/rules.json"), std::string::npos);
  }
}

}  // namespace
}  // namespace ngsynth
