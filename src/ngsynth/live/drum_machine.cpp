#include "ngsynth/live/drum_machine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/json_fields.h"

namespace ngsynth::live {
using nlohmann::json;

namespace {

constexpr double kMinTempo = 20.0, kMaxTempo = 999.0, kMaxSwing = 0.75;
constexpr int kMaxSteps = 64, kMaxLoops = 1000;
constexpr float kMaxGain = 16.0f, kMaxTemperature = 10.0f;

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

// Position (in steps, from the segment origin) of global step n with the given swing.
double step_position(int64_t rel, int step_in_loop, double swing) {
  return static_cast<double>(rel) + ((step_in_loop & 1) ? swing * 0.5 : 0.0);
}

int64_t to_frame(double position, double length) { return std::llround(position * length); }

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

// ---------------------------------------------------------------- timing

double step_length(double tempo, int sample_rate) { return 60.0 * sample_rate / (4.0 * tempo); }

int64_t step_frame(double tempo, double swing, int steps, int sample_rate, int64_t loop, int step) {
  return to_frame(step_position(loop * steps + step, step, swing), step_length(tempo, sample_rate));
}

int64_t step_frame(const Pattern& p, int sample_rate, int64_t loop, int step) {
  return step_frame(p.tempo, p.swing, p.steps, sample_rate, loop, step);
}

int64_t loop_frames(const Pattern& p, int sample_rate, int64_t loops) {
  return step_frame(p, sample_rate, loops, 0);
}

// ---------------------------------------------------------------- DrumMachine

DrumMachine::DrumMachine(Instrument& instrument, const Pattern& pattern, DrumOptions options)
    : instrument_(instrument),
      sample_rate_(instrument.sample_rate()),
      steps_(pattern.steps),
      loops_(pattern.loops),
      options_(options) {
  pattern.validate();
  if (sample_rate_ < 1000 || sample_rate_ > 384000)
    throw Error("drum machine: instrument sample rate " + std::to_string(sample_rate_) + " is invalid");
  if (!std::isfinite(options_.poll_ms) || options_.poll_ms <= 0.0 || options_.poll_ms > 1000.0)
    throw Error("drum machine: poll_ms must be in (0, 1000]");
  names_ = instrument.classes();
  if (names_.empty()) names_.push_back("default");
  tempo_ = pattern.tempo;
  swing_ = pattern.swing;
  tracks_.resize(names_.size());
  for (std::size_t i = 0; i < tracks_.size(); ++i) {
    tracks_[i].class_index = static_cast<int>(i);
    tracks_[i].steps.assign(static_cast<std::size_t>(steps_), 0.0f);
  }
  std::vector<int> owner(names_.size(), -1);
  for (std::size_t i = 0; i < pattern.tracks.size(); ++i) {
    const PatternTrack& pt = pattern.tracks[i];
    int index;
    try {
      index = resolve_class(names_, pt.class_name);
    } catch (const Error& e) {
      throw Error(track_label(i, pt.class_name) + ": " + e.what());
    }
    if (owner[static_cast<std::size_t>(index)] >= 0)
      throw Error(track_label(i, pt.class_name) + ": class '" + names_[static_cast<std::size_t>(index)] +
                  "' already has tracks[" + std::to_string(owner[static_cast<std::size_t>(index)]) + "]");
    owner[static_cast<std::size_t>(index)] = static_cast<int>(i);
    Track& t = tracks_[static_cast<std::size_t>(index)];
    t.steps = pt.steps;
    t.seed = pt.seed;
    t.temperature = pt.temperature;
    t.gain = pt.gain;
  }
  for (std::size_t i = 0; i < tracks_.size(); ++i) {
    Track& t = tracks_[i];
    t.buffer = std::make_shared<const std::vector<float>>(
        instrument_.sample_event(t.class_index, t.seed, t.temperature));
  }
}

DrumMachine::~DrumMachine() { stop(); }

void DrumMachine::check_track(int track, const char* what) const {
  if (track < 0 || track >= tracks())
    throw Error(std::string("drum machine ") + what + ": no track " + std::to_string(track) + " (0.." +
                std::to_string(tracks() - 1) + ")");
}

int DrumMachine::track_index(const std::string& name_or_index) const {
  return resolve_class(names_, name_or_index);
}

Pattern DrumMachine::pattern() const {
  std::lock_guard lk(state_mu_);
  Pattern p;
  p.tempo = tempo_;
  p.swing = swing_;
  p.steps = steps_;
  p.loops = loops_;
  for (std::size_t i = 0; i < tracks_.size(); ++i) {
    const Track& t = tracks_[i];
    p.tracks.push_back({names_[i], t.steps, t.seed, t.temperature, t.gain});
  }
  return p;
}

void DrumMachine::set_tempo(double bpm) {
  if (!std::isfinite(bpm) || bpm < kMinTempo || bpm > kMaxTempo)
    throw Error("tempo " + num(bpm) + " is outside 20..999 BPM");
  std::lock_guard lk(state_mu_);
  if (playing_.load()) {
    // The next unscheduled step starts a new segment at its unswung grid position.
    seg_frame_ += to_frame(static_cast<double>(next_step_ - seg_step_), step_length(tempo_, sample_rate_));
    seg_step_ = next_step_;
  }
  tempo_ = bpm;
}

double DrumMachine::tempo() const {
  std::lock_guard lk(state_mu_);
  return tempo_;
}

void DrumMachine::set_swing(double swing) {
  if (!std::isfinite(swing) || swing < 0.0 || swing > kMaxSwing)
    throw Error("swing " + num(swing) + " is outside 0..0.75");
  std::lock_guard lk(state_mu_);
  swing_ = swing;
}

double DrumMachine::swing() const {
  std::lock_guard lk(state_mu_);
  return swing_;
}

void DrumMachine::set_step(int track, int step, float velocity) {
  check_track(track, "step");
  if (step < 0 || step >= steps_)
    throw Error("step " + std::to_string(step) + " is outside 0.." + std::to_string(steps_ - 1));
  if (!std::isfinite(velocity) || velocity < 0.0f || velocity > 1.0f)
    throw Error("velocity " + num(velocity) + " is outside 0..1");
  std::lock_guard lk(state_mu_);
  tracks_[static_cast<std::size_t>(track)].steps[static_cast<std::size_t>(step)] = velocity;
}

float DrumMachine::step(int track, int step) const {
  check_track(track, "step");
  if (step < 0 || step >= steps_)
    throw Error("step " + std::to_string(step) + " is outside 0.." + std::to_string(steps_ - 1));
  std::lock_guard lk(state_mu_);
  return tracks_[static_cast<std::size_t>(track)].steps[static_cast<std::size_t>(step)];
}

void DrumMachine::set_gain(int track, float gain) {
  check_track(track, "gain");
  if (!std::isfinite(gain) || gain < 0.0f || gain > kMaxGain)
    throw Error("gain " + num(gain) + " is outside 0..16");
  std::lock_guard lk(state_mu_);
  tracks_[static_cast<std::size_t>(track)].gain = gain;
}

float DrumMachine::gain(int track) const {
  check_track(track, "gain");
  std::lock_guard lk(state_mu_);
  return tracks_[static_cast<std::size_t>(track)].gain;
}

uint64_t DrumMachine::seed(int track) const {
  check_track(track, "seed");
  std::lock_guard lk(state_mu_);
  return tracks_[static_cast<std::size_t>(track)].seed;
}

float DrumMachine::temperature(int track) const {
  check_track(track, "temperature");
  std::lock_guard lk(state_mu_);
  return tracks_[static_cast<std::size_t>(track)].temperature;
}

std::vector<float> DrumMachine::buffer(int track) const {
  check_track(track, "buffer");
  std::shared_ptr<const std::vector<float>> b;
  {
    std::lock_guard lk(buffer_mu_);
    b = tracks_[static_cast<std::size_t>(track)].buffer;
  }
  return *b;
}

int64_t DrumMachine::resample(int track, uint64_t seed, float temperature) {
  check_track(track, "resample");
  if (!std::isfinite(temperature) || temperature < 0.0f || temperature > kMaxTemperature)
    throw Error("temperature " + num(temperature) + " is outside 0..10");
  std::vector<float> fresh =
      instrument_.sample_event(tracks_[static_cast<std::size_t>(track)].class_index, seed, temperature);
  const int64_t n = static_cast<int64_t>(fresh.size());
  set_buffer(track, std::move(fresh));
  std::lock_guard lk(state_mu_);
  tracks_[static_cast<std::size_t>(track)].seed = seed;
  tracks_[static_cast<std::size_t>(track)].temperature = temperature;
  return n;
}

void DrumMachine::set_buffer(int track, std::vector<float> samples) {
  check_track(track, "set_buffer");
  auto b = std::make_shared<const std::vector<float>>(std::move(samples));
  std::shared_ptr<const std::vector<float>> old;
  {
    std::lock_guard lk(buffer_mu_);
    old = std::exchange(tracks_[static_cast<std::size_t>(track)].buffer, std::move(b));
  }
  // `old` is freed here, outside the lock (or later by a renderer still holding it).
}

int64_t DrumMachine::longest_buffer() const {
  std::lock_guard lk(buffer_mu_);
  int64_t n = 0;
  for (const Track& t : tracks_) n = std::max<int64_t>(n, static_cast<int64_t>(t.buffer->size()));
  return n;
}

int DrumMachine::render_track(int track, std::span<float> out) const {
  if (track < 0 || track >= tracks()) return 0;
  std::shared_ptr<const std::vector<float>> b;
  {
    std::lock_guard lk(buffer_mu_);
    b = tracks_[static_cast<std::size_t>(track)].buffer;
  }
  const std::size_t n = std::min(out.size(), b->size());
  std::copy_n(b->begin(), n, out.begin());
  return static_cast<int>(n);
}

NoteRenderer DrumMachine::renderer() const {
  return [this](const NoteRequest& r, std::span<float> out) {
    return r.tag < static_cast<uint64_t>(tracks()) ? render_track(static_cast<int>(r.tag), out) : 0;
  };
}

// The notes of step s at `frame`, one per track with a hit there (state_mu_ held).
void DrumMachine::step_notes(int s, int64_t frame, std::vector<TimedNote>& out) const {
  for (std::size_t i = 0; i < tracks_.size(); ++i) {
    const Track& t = tracks_[i];
    const float g = t.steps[static_cast<std::size_t>(s)] * t.gain;
    if (g <= 0.0f) continue;
    NoteRequest r;
    r.class_index = t.class_index;
    r.seed = t.seed;
    r.temperature = t.temperature;
    r.gain = g;
    r.tag = i;
    out.push_back({frame, r});
  }
}

std::vector<TimedNote> DrumMachine::notes(int64_t loops, int64_t origin) const {
  if (loops < 0) throw Error("drum machine notes: loops " + std::to_string(loops) + " is negative");
  std::lock_guard lk(state_mu_);
  std::vector<TimedNote> out;
  for (int64_t l = 0; l < loops; ++l)
    for (int s = 0; s < steps_; ++s) {
      const int64_t frame = origin + step_frame(tempo_, swing_, steps_, sample_rate_, l, s);
      step_notes(s, frame, out);
    }
  return out;
}

// ---------------------------------------------------------------- live

int64_t DrumMachine::frame_of(int64_t n) const {
  return seg_frame_ + to_frame(step_position(n - seg_step_, static_cast<int>(n % steps_), swing_),
                               step_length(tempo_, sample_rate_));
}

void DrumMachine::play(Engine& engine) {
  if (engine.options().sample_rate != sample_rate_)
    throw Error("drum machine: the engine runs at " + std::to_string(engine.options().sample_rate) +
                " Hz, the instrument at " + std::to_string(sample_rate_) + " Hz");
  std::lock_guard run(run_mu_);
  if (playing_.load()) throw Error("drum machine: already playing");
  if (scheduler_.joinable()) scheduler_.join();
  const int64_t lookahead =
      options_.lookahead_frames >= 0 ? options_.lookahead_frames : sample_rate_ / 20;
  {
    std::lock_guard lk(state_mu_);
    start_frame_ = engine.current_frame() + engine.latency_frames() + lookahead;
    seg_frame_ = start_frame_;
    seg_step_ = 0;
    next_step_ = 0;
  }
  scheduled_.store(0);
  quit_ = false;
  playing_.store(true);
  scheduler_ = std::thread([this, &engine] { scheduler_main(&engine); });
}

void DrumMachine::stop() {
  {
    std::lock_guard run(run_mu_);
    quit_ = true;
  }
  run_cv_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
  playing_.store(false);
}

bool DrumMachine::playing() const { return playing_.load(); }

int64_t DrumMachine::start_frame() const {
  std::lock_guard lk(state_mu_);
  return start_frame_;
}

int64_t DrumMachine::steps_scheduled() const { return scheduled_.load(); }
int64_t DrumMachine::notes_dropped() const { return dropped_.load(); }

void DrumMachine::scheduler_main(Engine* engine) {
  const int64_t lookahead =
      options_.lookahead_frames >= 0 ? options_.lookahead_frames : sample_rate_ / 20;
  const auto period = std::chrono::duration<double, std::milli>(options_.poll_ms);
  std::vector<TimedNote> due;
  for (;;) {
    const int64_t horizon = engine->current_frame() + engine->latency_frames() + lookahead;
    due.clear();
    {
      std::lock_guard lk(state_mu_);
      for (;;) {
        const int64_t frame = frame_of(next_step_);
        if (frame > horizon) break;
        const int s = static_cast<int>(next_step_ % steps_);
        step_notes(s, frame, due);
        ++next_step_;
        scheduled_.fetch_add(1);
      }
    }
    for (const TimedNote& n : due)
      if (!engine->note_at(n.frame, n.request)) dropped_.fetch_add(1);
    std::unique_lock run(run_mu_);
    if (run_cv_.wait_for(run, period, [this] { return quit_; })) return;
  }
}

// ---------------------------------------------------------------- offline

std::vector<float> render_pattern(const Pattern& pattern, Instrument& instrument, int loops, LoopTail tail) {
  if (loops < 1 || loops > kMaxLoops)
    throw Error("render_pattern: loops " + std::to_string(loops) + " is outside 1..1000");
  DrumMachine dm(instrument, pattern);
  const int rate = dm.sample_rate();
  const std::vector<TimedNote> notes = dm.notes(loops);
  const int64_t length = loop_frames(pattern, rate, loops);
  const int64_t longest = std::max<int64_t>(1, dm.longest_buffer());

  EngineOptions o;
  o.sample_rate = rate;
  o.max_note_frames = static_cast<int>(std::min<int64_t>(longest, 1 << 24));
  o.latency_frames = 1024;
  o.max_streams = 0;
  // Enough voices that nothing is stolen: the largest number of notes sounding at once.
  // Notes are sorted by frame (notes() emits them in time order).
  std::vector<int64_t> ends;
  int overlap = 0;
  std::size_t window = 0, first = 0;
  for (std::size_t i = 0; i < notes.size(); ++i) {
    const int64_t f = notes[i].frame;
    ends.erase(std::remove_if(ends.begin(), ends.end(), [&](int64_t e) { return e <= f; }), ends.end());
    ends.push_back(f + longest);
    overlap = std::max(overlap, static_cast<int>(ends.size()));
    while (notes[first].frame + o.latency_frames < f) ++first;
    window = std::max(window, i - first + 1);
  }
  o.max_voices = std::clamp(overlap, 1, 1024);
  o.note_buffers = o.max_voices + static_cast<int>(std::min<std::size_t>(window, 4096)) + 2;
  const int64_t frames = length + longest;
  std::vector<float> out = render_offline(o, dm.renderer(), notes, frames);
  switch (tail) {
    case LoopTail::append:
      break;
    case LoopTail::cut:
      out.resize(static_cast<std::size_t>(length));
      break;
    case LoopTail::wrap:
      for (int64_t i = length; i < frames; ++i) out[static_cast<std::size_t>(i % length)] += out[static_cast<std::size_t>(i)];
      out.resize(static_cast<std::size_t>(length));
      break;
  }
  return out;
}

}  // namespace ngsynth::live
