#include "ngsynth/live/drum_machine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>

#include "ngsynth/util/error.h"

namespace ngsynth::live {
using namespace detail;

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
  // Without control_mu_, a stop() on another thread could set quit_ before this resets it
  // and then join the scheduler started here, which would never quit.
  std::lock_guard control(control_mu_);
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
  {
    std::lock_guard run(run_mu_);
    quit_ = false;
  }
  playing_.store(true);
  scheduler_ = std::thread([this, &engine] { scheduler_main(&engine); });
}

void DrumMachine::stop() {
  std::lock_guard control(control_mu_);
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

}  // namespace ngsynth::live
