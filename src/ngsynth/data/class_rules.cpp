// Rule files are validated field by field so that a typo in a hand-edited file is reported
// with its place ("rules[2].class") instead of silently sending sounds to the wrong class.
#include "ngsynth/data/class_rules.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/json_fields.h"

namespace ngsynth {
using nlohmann::json;

namespace {

bool is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
// Bytes >= 0x80 (UTF-8 sequences) count as letters, so non-English names still match.
bool is_word_char(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

// A word break falls between a lower-case and an upper-case letter, and between a letter
// and a digit: "BassDrum1" -> "Bass Drum 1".
bool breaks_between(unsigned char prev, unsigned char next) {
  if (is_lower(prev) && is_upper(next)) return true;
  return is_digit(prev) != is_digit(next) && is_word_char(prev) && is_word_char(next);
}

[[noreturn]] void fail_field(const std::string& origin, const std::string& field,
                             const std::string& what) {
  throw Error(origin + ": field " + field + ": " + what);
}

std::string get_string(const json& j, const std::string& origin, const std::string& field) {
  const std::string s = json_value<std::string>(j, origin + ": field " + field);
  if (s.empty()) fail_field(origin, field, "must not be empty");
  return s;
}

std::vector<std::string> get_strings(const json& j, const std::string& origin,
                                     const std::string& field) {
  if (!j.is_array()) fail_field(origin, field, "expected an array of strings");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < j.size(); ++i)
    out.push_back(get_string(j[i], origin, field + "[" + std::to_string(i) + "]"));
  return out;
}

// Keywords must survive normalisation, or they could never match anything.
std::vector<std::string> get_keywords(const json& j, const std::string& origin,
                                      const std::string& field, bool allow_empty = false) {
  std::vector<std::string> words = get_strings(j, origin, field);
  if (words.empty() && !allow_empty) fail_field(origin, field, "needs at least one keyword");
  for (std::size_t i = 0; i < words.size(); ++i)
    if (normalize_name(words[i]).empty())
      fail_field(origin, field + "[" + std::to_string(i) + "]",
                 "'" + words[i] + "' has no letters or digits");
  return words;
}

void require_class(const ClassRules& r, const std::string& name, const std::string& origin,
                   const std::string& field) {
  if (std::find(r.classes.begin(), r.classes.end(), name) == r.classes.end())
    fail_field(origin, field, "'" + name + "' is not one of \"classes\"");
}

std::vector<std::string> parse_classes(const json& j, const std::string& origin) {
  if (!j.contains("classes")) fail_field(origin, "classes", "missing");
  std::vector<std::string> classes = get_strings(j["classes"], origin, "classes");
  if (classes.empty()) fail_field(origin, "classes", "needs at least one class");
  for (std::size_t i = 0; i < classes.size(); ++i)
    if (std::find(classes.begin(), classes.begin() + i, classes[i]) != classes.begin() + i)
      fail_field(origin, "classes[" + std::to_string(i) + "]",
                 "'" + classes[i] + "' is listed twice");
  return classes;
}

ClassRule parse_rule(const json& j, const ClassRules& r, const std::string& origin,
                     const std::string& field) {
  if (!j.is_object()) fail_field(origin, field, "expected an object {class, keywords}");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "class" && it.key() != "keywords")
      fail_field(origin, field + "." + it.key(), "unknown key (expected class, keywords)");
  if (!j.contains("class")) fail_field(origin, field + ".class", "missing");
  if (!j.contains("keywords")) fail_field(origin, field + ".keywords", "missing");
  ClassRule rule;
  rule.class_name = get_string(j["class"], origin, field + ".class");
  require_class(r, rule.class_name, origin, field + ".class");
  rule.keywords = get_keywords(j["keywords"], origin, field + ".keywords");
  return rule;
}

bool matches(const std::string& padded_name, const std::string& keyword) {
  return padded_name.find(" " + normalize_name(keyword)) != std::string::npos;
}

const std::string* first_match(const std::string& padded_name,
                               const std::vector<std::string>& keywords) {
  for (const auto& k : keywords)
    if (matches(padded_name, k)) return &k;
  return nullptr;
}

}  // namespace

std::string normalize_name(std::string_view name) {
  std::string out;
  unsigned char prev = ' ';
  for (unsigned char c : name) {
    if (!is_word_char(c)) c = ' ';
    if (c != ' ' && breaks_between(prev, c) && !out.empty() && out.back() != ' ')
      out += ' ';
    if (c != ' ' || (!out.empty() && out.back() != ' '))
      out += static_cast<char>(is_upper(c) ? c - 'A' + 'a' : c);
    prev = c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

ClassMatch classify(const ClassRules& rules, std::string_view instrument_name) {
  // Padding lets " keyword" find a match at the first word as well.
  const std::string padded = " " + normalize_name(instrument_name) + " ";
  ClassMatch m;
  if (const std::string* k = first_match(padded, rules.ignore)) {
    m.ignored = true;
    m.keyword = *k;
    return m;
  }
  for (const auto& rule : rules.rules) {
    if (const std::string* k = first_match(padded, rule.keywords)) {
      m.class_name = rule.class_name;
      m.keyword = *k;
      return m;
    }
  }
  m.class_name = rules.default_class;
  return m;
}

ClassRules parse_class_rules(const json& j, const std::string& origin) {
  if (!j.is_object()) throw Error(origin + ": expected a JSON object with \"classes\" and \"rules\"");
  static const std::vector<std::string> known = {"comment", "classes", "rules", "default", "ignore"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (std::find(known.begin(), known.end(), it.key()) == known.end())
      fail_field(origin, it.key(), "unknown key (expected classes, rules, default, ignore, comment)");
  ClassRules r;
  r.classes = parse_classes(j, origin);
  if (!j.contains("rules") || !j["rules"].is_array())
    fail_field(origin, "rules", "missing or not an array");
  for (std::size_t i = 0; i < j["rules"].size(); ++i)
    r.rules.push_back(parse_rule(j["rules"][i], r, origin, "rules[" + std::to_string(i) + "]"));
  if (j.contains("default")) {
    r.default_class = get_string(j["default"], origin, "default");
    require_class(r, r.default_class, origin, "default");
  }
  if (j.contains("ignore")) r.ignore = get_keywords(j["ignore"], origin, "ignore", true);
  return r;
}

const ClassRules& default_drum_rules() {
  static const ClassRules rules =
      parse_class_rules(json::parse(default_drum_rules_json()), "built-in drum rules");
  return rules;
}

ClassRules load_class_rules(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {  // syntax, or a number too large for a double
    fail_file(path, "malformed JSON: " + json_message(e));
  }
  return parse_class_rules(j, path.string());
}

void to_json(json& j, const ClassRules& r) {
  j = json::object();
  j["classes"] = r.classes;
  j["rules"] = json::array();
  for (const auto& rule : r.rules)
    j["rules"].push_back({{"class", rule.class_name}, {"keywords", rule.keywords}});
  if (!r.default_class.empty()) j["default"] = r.default_class;
  j["ignore"] = r.ignore;
}

}  // namespace ngsynth
