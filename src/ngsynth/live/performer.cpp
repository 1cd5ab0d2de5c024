#include "ngsynth/live/performer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <thread>

#include "ngsynth/audio/audio_file.h"
#include "ngsynth/util/error.h"

namespace ngsynth::live {

namespace {
std::string num(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}
}  // namespace

Performer::Performer(Instrument& instrument, const Pattern& pattern, PerformerOptions options)
    : instrument_(instrument), options_(std::move(options)), seed_counter_(options_.first_seed),
      write_folder_(options_.write_dir) {
  const double rate = instrument.sample_rate();
  if (!std::isfinite(options_.max_clip_seconds) || options_.max_clip_seconds <= 0 ||
      options_.max_clip_seconds > 60)
    throw Error("performer: max_clip_seconds must be in (0, 60]");
  if (!std::isfinite(options_.path_seconds) || options_.path_seconds <= 0 ||
      options_.path_seconds > options_.max_clip_seconds)
    throw Error("performer: path_seconds must be in (0, max_clip_seconds]");
  if (!std::isfinite(options_.xy_seconds) || options_.xy_seconds < 0 ||
      options_.xy_seconds > options_.max_clip_seconds)
    throw Error("performer: xy_seconds must be in [0, max_clip_seconds]");
  max_clip_frames_ = std::max<int64_t>(1, std::llround(options_.max_clip_seconds * rate));
  drums_ = std::make_unique<DrumMachine>(instrument, pattern, options_.drums);
  EngineOptions eo = options_.engine;
  eo.sample_rate = instrument.sample_rate();
  eo.max_note_frames = static_cast<int>(std::min<int64_t>(
      {std::max({max_clip_frames_, static_cast<int64_t>(instrument.event_frames()), drums_->longest_buffer()}),
       int64_t(1) << 24}));
  const int chunk = instrument.stream_chunk_frames();
  StreamRenderer streams;
  if (chunk > 0) {
    eo.max_streams = std::max(eo.max_streams, 1);
    eo.stream_chunk_frames = chunk;
    eo.stream_params = 2;
    streams = instrument.stream_renderer(eo.max_streams);
  }
  engine_ = std::make_unique<Engine>(
      eo, [this](const NoteRequest& r, std::span<float> out) { return render(r, out); },
      streams);
}

Performer::~Performer() {
  if (drums_) drums_->stop();
}

int Performer::render(const NoteRequest& r, std::span<float> out) {
  if (r.tag < kClipTag) return drums_->render_track(static_cast<int>(r.tag), out);
  std::vector<float> clip;
  {
    std::lock_guard lk(clip_mu_);
    auto it = clips_.find(r.tag);
    if (it == clips_.end()) return 0;
    clip = std::move(it->second);
    clips_.erase(it);
  }
  const std::size_t n = std::min(out.size(), clip.size());
  std::copy_n(clip.begin(), n, out.begin());
  return static_cast<int>(n);
}

void Performer::set_class(int class_index) {
  if (class_index < 0 || class_index >= static_cast<int>(classes().size()))
    throw Error("no class " + std::to_string(class_index));
  current_class_.store(class_index);
}

int64_t Performer::xy_frames() const {
  if (options_.xy_seconds > 0)
    return std::max<int64_t>(1, std::llround(options_.xy_seconds * instrument_.sample_rate()));
  return std::max(1, instrument_.event_frames());
}

int Performer::pending_clips() const {
  std::lock_guard lk(clip_mu_);
  return static_cast<int>(clips_.size());
}

PlayedClip Performer::play_clip(int class_index, uint64_t seed, std::vector<float> samples) {
  PlayedClip p;
  p.class_index = class_index;
  p.seed = seed;
  if (static_cast<int64_t>(samples.size()) > engine_->options().max_note_frames)
    samples.resize(static_cast<std::size_t>(engine_->options().max_note_frames));
  p.frames = static_cast<int64_t>(samples.size());
  if (samples.empty()) throw Error("the instrument returned no samples");
  uint64_t tag;
  {
    std::lock_guard lk(clip_mu_);
    if (static_cast<int>(clips_.size()) >= kMaxPendingClips)
      throw Error(std::to_string(kMaxPendingClips) + " clips are waiting to play (is the audio output running?)");
    tag = kClipTag + next_clip_++;
    clips_.emplace(tag, std::move(samples));
  }
  NoteRequest r;
  r.class_index = class_index;
  r.seed = seed;
  r.tag = tag;
  p.start_frame = engine_->current_frame() + engine_->latency_frames();
  if (!engine_->note_at(p.start_frame, r)) {
    std::lock_guard lk(clip_mu_);
    clips_.erase(tag);
    throw Error("the engine's command ring is full");
  }
  return p;
}

PlayedClip Performer::sample_note(int class_index, std::optional<uint64_t> seed,
                                  std::optional<float> temperature) {
  if (class_index < 0 || class_index >= drums_->tracks()) throw Error("no class " + std::to_string(class_index));
  const uint64_t s = seed ? *seed : next_seed();
  const float t = temperature ? *temperature : drums_->temperature(class_index);
  PlayedClip p;
  p.class_index = class_index;
  p.seed = s;
  p.frames = drums_->resample(class_index, s, t);
  NoteRequest r;
  r.class_index = class_index;
  r.seed = s;
  r.temperature = t;
  r.gain = drums_->gain(class_index);
  r.tag = static_cast<uint64_t>(class_index);
  p.start_frame = engine_->current_frame() + engine_->latency_frames();
  if (!engine_->note_at(p.start_frame, r)) throw Error("the engine's command ring is full");
  return p;
}

PlayedClip Performer::sample_path(std::optional<double> seconds, std::optional<uint64_t> seed) {
  const double sec = seconds ? *seconds : options_.path_seconds;
  if (!std::isfinite(sec) || sec <= 0 || sec > options_.max_clip_seconds)
    throw Error("length " + num(sec) + " s is outside (0, " + num(options_.max_clip_seconds) + "]");
  const int64_t frames = std::max<int64_t>(1, std::llround(sec * instrument_.sample_rate()));
  const int c = current_class();
  const uint64_t s = seed ? *seed : next_seed();
  return play_clip(c, s, instrument_.sample_path(c, frames, s));
}

int Performer::stream(float x, float y) {
  if (!std::isfinite(x) || !std::isfinite(y)) throw Error("x and y must be finite");
  if (engine_->options().max_streams == 0)
    throw Error("this instrument plays no streams (no latent map to stream from)");
  const float params[2] = {x, y};
  std::lock_guard lk(clip_mu_);
  if (stream_id_ >= 0 && engine_->set_stream_params(stream_id_, params)) return stream_class_;
  stream_class_ = current_class();
  stream_id_ = engine_->start_stream(params, static_cast<uint64_t>(stream_class_));
  // A stream stopped just before still holds its slot until the audio thread has faded it
  // out (latency plus a few ms): a pointer let go and pressed again must not fail on that.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(250);
  while (stream_id_ < 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    stream_id_ = engine_->start_stream(params, static_cast<uint64_t>(stream_class_));
  }
  if (stream_id_ < 0) throw Error("no free stream slot (the engine's rings are full)");
  return stream_class_;
}

bool Performer::stream_stop() {
  std::lock_guard lk(clip_mu_);
  if (stream_id_ < 0) return false;
  engine_->stop_stream(stream_id_);
  stream_id_ = -1;
  return true;
}

PlayedClip Performer::xy(float x, float y, std::optional<uint64_t> seed) {
  if (!std::isfinite(x) || !std::isfinite(y)) throw Error("x and y must be finite");
  const int c = current_class();
  const uint64_t s = seed ? *seed : next_seed();
  return play_clip(c, s, instrument_.xy_event(c, x, y, xy_frames(), s));
}

PlayedClip Performer::morph(int class_a, int class_b, float t, std::optional<uint64_t> seed) {
  const int n = static_cast<int>(classes().size());
  if (class_a < 0 || class_a >= n) throw Error("no class " + std::to_string(class_a));
  if (class_b < 0 || class_b >= n) throw Error("no class " + std::to_string(class_b));
  if (!std::isfinite(t) || t < 0.0f || t > 1.0f) throw Error("t " + num(t) + " is outside 0..1");
  const uint64_t s = seed ? *seed : next_seed();
  return play_clip(class_a, s, instrument_.morph_event(class_a, class_b, t, s));
}

Performer::Written Performer::write_track(int track, const std::string& name) {
  const std::vector<float> b = drums_->buffer(track);
  if (b.empty()) throw Error("track " + classes()[static_cast<std::size_t>(track)] + " has an empty buffer");
  const auto path = write_folder_.write(
      name, [&](const std::filesystem::path& p) { write_wav(p, b, sample_rate(), "float"); });
  return {path, static_cast<int64_t>(b.size())};
}

}  // namespace ngsynth::live
