// The pattern format: validation, JSON, pattern files, the built-in beat and class lookup.
#include "ngsynth/live/pattern.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/json_fields.h"

namespace ngsynth::live {
using nlohmann::json;
using namespace detail;

namespace detail {

std::string num(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string track_label(std::size_t i, const std::string& class_name) {
  std::string s = "pattern tracks[" + std::to_string(i) + "]";
  if (!class_name.empty()) s += " (" + class_name + ")";
  return s;
}

}  // namespace detail

namespace {

double get_number(const json& v, const std::string& where) { return json_value<double>(v, where); }

int64_t get_integer(const json& v, const std::string& where) { return json_value<int64_t>(v, where); }

std::vector<float> parse_steps(const json& v, const std::string& where) {
  std::vector<float> out;
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    for (std::size_t i = 0; i < s.size(); ++i) {
      const char c = s[i];
      if (c == 'x' || c == 'X') out.push_back(1.0f);
      else if (c == 'o' || c == 'O') out.push_back(0.5f);
      else if (c == '.' || c == '-') out.push_back(0.0f);
      else if (c == ' ' || c == '|') continue;  // visual grouping
      else
        throw Error(where + ": character " + std::to_string(i) + " '" + std::string(1, c) +
                    "' is not x (hit), o (half velocity), . or - (rest)");
    }
    return out;
  }
  if (!v.is_array()) throw Error(where + ": expected a list of velocities or a string like \"x...x...\"");
  for (std::size_t i = 0; i < v.size(); ++i) {
    const json& e = v[i];
    if (e.is_boolean()) out.push_back(e.get<bool>() ? 1.0f : 0.0f);
    else if (e.is_number()) out.push_back(json_value<float>(e, where + "[" + std::to_string(i) + "]"));
    else
      throw Error(where + "[" + std::to_string(i) + "]: expected a velocity 0..1 or true/false, got " +
                  e.dump());
  }
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

// ---------------------------------------------------------------- patterns

void Pattern::validate() const {
  if (!std::isfinite(tempo) || tempo < kMinTempo || tempo > kMaxTempo)
    throw Error("pattern tempo: " + num(tempo) + " is outside 20..999 BPM");
  if (!std::isfinite(swing) || swing < 0.0 || swing > kMaxSwing)
    throw Error("pattern swing: " + num(swing) + " is outside 0..0.75");
  if (steps < 1 || steps > kMaxSteps)
    throw Error("pattern steps: " + std::to_string(steps) + " is outside 1..64");
  if (loops < 1 || loops > kMaxLoops)
    throw Error("pattern loops: " + std::to_string(loops) + " is outside 1..1000");
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    const PatternTrack& t = tracks[i];
    const std::string where = track_label(i, t.class_name);
    if (t.class_name.empty()) throw Error(where + ": class is missing or empty");
    for (std::size_t k = 0; k < i; ++k)
      if (tracks[k].class_name == t.class_name)
        throw Error(where + ": class '" + t.class_name + "' already has tracks[" + std::to_string(k) + "]");
    if (static_cast<int>(t.steps.size()) != steps)
      throw Error(where + ": steps has " + std::to_string(t.steps.size()) + " entries, the pattern has " +
                  std::to_string(steps) + " steps");
    for (std::size_t s = 0; s < t.steps.size(); ++s)
      if (!std::isfinite(t.steps[s]) || t.steps[s] < 0.0f || t.steps[s] > 1.0f)
        throw Error(where + ": steps[" + std::to_string(s) + "]: velocity " + num(t.steps[s]) +
                    " is outside 0..1");
    if (!std::isfinite(t.temperature) || t.temperature < 0.0f || t.temperature > kMaxTemperature)
      throw Error(where + ": temperature " + num(t.temperature) + " is outside 0..10");
    if (!std::isfinite(t.gain) || t.gain < 0.0f || t.gain > kMaxGain)
      throw Error(where + ": gain " + num(t.gain) + " is outside 0..16");
  }
}

void to_json(json& j, const Pattern& p) {
  j = json::object();
  j["tempo"] = p.tempo;
  j["swing"] = p.swing;
  j["steps"] = p.steps;
  j["loops"] = p.loops;
  json tracks = json::array();
  for (const PatternTrack& t : p.tracks) {
    json steps = json::array();
    for (float v : t.steps) {
      if (v == 0.0f || v == 1.0f) steps.push_back(static_cast<int>(v));
      else steps.push_back(v);
    }
    tracks.push_back({{"class", t.class_name}, {"steps", steps}, {"seed", t.seed},
                      {"temperature", t.temperature}, {"gain", t.gain}});
  }
  j["tracks"] = tracks;
}

void from_json(const json& j, Pattern& p) {
  if (!j.is_object()) throw Error("pattern: expected a JSON object");
  check_known_keys(j, {"tempo", "swing", "steps", "loops", "tracks"}, "pattern");
  Pattern out;
  if (auto it = j.find("tempo"); it != j.end()) out.tempo = get_number(*it, "pattern tempo");
  if (auto it = j.find("swing"); it != j.end()) out.swing = get_number(*it, "pattern swing");
  if (auto it = j.find("steps"); it != j.end()) {
    const int64_t s = get_integer(*it, "pattern steps");
    if (s < 1 || s > kMaxSteps) throw Error("pattern steps: " + std::to_string(s) + " is outside 1..64");
    out.steps = static_cast<int>(s);
  }
  if (auto it = j.find("loops"); it != j.end()) {
    const int64_t l = get_integer(*it, "pattern loops");
    if (l < 1 || l > kMaxLoops) throw Error("pattern loops: " + std::to_string(l) + " is outside 1..1000");
    out.loops = static_cast<int>(l);
  }
  if (auto it = j.find("tracks"); it != j.end()) {
    if (!it->is_array()) throw Error("pattern tracks: expected a list of tracks");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& tj = (*it)[i];
      if (!tj.is_object()) throw Error(track_label(i, "") + ": expected an object");
      PatternTrack t;
      if (auto c = tj.find("class"); c != tj.end()) {
        if (c->is_string()) t.class_name = c->get<std::string>();
        else if (c->is_number_integer() && c->get<int64_t>() >= 0) t.class_name = std::to_string(c->get<int64_t>());
        else throw Error(track_label(i, "") + ": class: expected a class name or index, got " + c->dump());
      }
      const std::string where = track_label(i, t.class_name);
      check_known_keys(tj, {"class", "steps", "seed", "temperature", "gain"}, where);
      if (t.class_name.empty()) throw Error(where + ": class is missing or empty");
      if (auto s = tj.find("steps"); s != tj.end()) t.steps = parse_steps(*s, where + ": steps");
      else t.steps.assign(static_cast<std::size_t>(out.steps), 0.0f);
      if (auto s = tj.find("seed"); s != tj.end()) {
        t.seed = json_value<uint64_t>(*s, where + ": seed");
      }
      if (auto s = tj.find("temperature"); s != tj.end())
        t.temperature = static_cast<float>(get_number(*s, where + ": temperature"));
      if (auto s = tj.find("gain"); s != tj.end()) t.gain = static_cast<float>(get_number(*s, where + ": gain"));
      out.tracks.push_back(std::move(t));
    }
  }
  out.validate();
  p = std::move(out);
}

Pattern read_pattern(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    fail_file(path, "invalid JSON: " + json_message(e));
  }
  try {
    return j.get<Pattern>();
  } catch (const Error& e) {
    fail_file(path, e.what());
  }
}

Pattern default_pattern(const std::vector<std::string>& classes) {
  Pattern p;
  const auto hits = [](std::initializer_list<std::pair<int, float>> list) {
    std::vector<float> s(16, 0.0f);
    for (const auto& [step, v] : list) s[static_cast<std::size_t>(step)] = v;
    return s;
  };
  const std::vector<std::string> names = classes.empty() ? std::vector<std::string>{"default"} : classes;
  for (const std::string& name : names) {
    const std::string n = lower(name);
    PatternTrack t;
    t.class_name = name;
    if (n == "kick" || n == "bd" || n == "bassdrum" || n == "default")
      t.steps = hits({{0, 1.0f}, {8, 1.0f}, {10, 0.7f}});
    else if (n == "snare" || n == "sd")
      t.steps = hits({{4, 1.0f}, {12, 1.0f}});
    else if (n == "hihat" || n == "hh" || n == "hat" || n == "closed_hihat")
      t.steps = hits({{0, 0.9f}, {2, 0.5f}, {4, 0.9f}, {6, 0.5f}, {8, 0.9f}, {10, 0.5f}, {12, 0.9f}, {14, 0.5f}});
    else if (n == "clap")
      t.steps = hits({{12, 0.7f}});
    else if (n == "crash")
      t.steps = hits({{0, 0.6f}});
    else if (n == "perc")
      t.steps = hits({{7, 0.5f}, {15, 0.4f}});
    else
      t.steps = hits({});
    p.tracks.push_back(std::move(t));
  }
  return p;
}

int resolve_class(const std::vector<std::string>& names, const std::string& name_or_index) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name_or_index) return static_cast<int>(i);
  const bool digits = !name_or_index.empty() && name_or_index.size() <= 9 &&
      std::all_of(name_or_index.begin(), name_or_index.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) {
    const int i = std::stoi(name_or_index);
    if (i < static_cast<int>(names.size())) return i;
  }
  std::string list;
  for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
  throw Error("no class '" + name_or_index + "' (classes: " + list + "; or an index 0.." +
              std::to_string(static_cast<int>(names.size()) - 1) + ")");
}

}  // namespace ngsynth::live
