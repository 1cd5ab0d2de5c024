// Keyword rules that map drum-kit instrument names ("Snare Rimshot", "c3 - bass drum 1",
// "Sabian Hat Choke") to training classes. Kits name their instruments freely, so a class
// is chosen by the first rule with a keyword found in the name; the rules live in an
// editable JSON file (data/drum_rules.json holds the built-in default):
//   {"classes": ["kick", ...], "rules": [{"class": "hihat", "keywords": ["hi-hat", ...]}],
//    "default": "perc", "ignore": ["metronome", ...]}
// Names and keywords are compared after normalisation (lower case; camelCase, letters and
// digits split into words; punctuation becomes a space), and a keyword matches where it
// starts at a word start: "tom" finds "Floor Tom" and "tomhi2" but not "Custom", "bass
// drum" finds "BassDrum" but "kick" rules never see "Djembe1 Bass".
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace ngsynth {

struct ClassRule {
  std::string class_name;
  std::vector<std::string> keywords;
};

struct ClassRules {
  std::vector<std::string> classes;  // the order classes take in a dataset
  std::vector<ClassRule> rules;      // tried in order; the first match wins
  std::string default_class;         // for names no rule matches; empty = leave unclassified
  std::vector<std::string> ignore;   // names matching one of these are skipped
};

// The result of classifying one name.
struct ClassMatch {
  std::string class_name;  // empty when ignored or unmatched without a default
  std::string keyword;     // the keyword that decided; empty for the default
  bool ignored = false;
};

ClassMatch classify(const ClassRules& rules, std::string_view instrument_name);

// "Hi-Hat Closed (Paiste 14\")" -> "hi hat closed paiste 14"; "BassDrum1" -> "bass drum 1".
std::string normalize_name(std::string_view name);

// The built-in drum rules (kick, snare, hihat, tom, crash, ride, clap, perc): the text of
// data/drum_rules.json, compiled in by CMake (cmake/drum_rules.cpp.in), and parsed.
std::string_view default_drum_rules_json();
const ClassRules& default_drum_rules();

// Reads and validates a rules file; Error "PATH: field F: what" when it is malformed.
ClassRules load_class_rules(const std::filesystem::path& path);
// Validates parsed JSON; `origin` (a path, or "built-in rules") starts every error message.
ClassRules parse_class_rules(const nlohmann::json& j, const std::string& origin);

void to_json(nlohmann::json& j, const ClassRules& rules);

}  // namespace ngsynth
