#include "ngsynth/live/engine.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <numeric>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "ngsynth/live/spsc_queue.h"
#include "ngsynth/live/voice_pool.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/json_fields.h"

namespace ngsynth::live {
using nlohmann::json;

static_assert(std::atomic<int64_t>::is_always_lock_free && std::atomic<uint32_t>::is_always_lock_free,
              "the audio thread needs lock-free atomics");

namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

void require(bool ok, const std::string& field, const std::string& why) {
  if (!ok) throw Error("engine option " + field + ": " + why);
}


template <typename Visit>
void visit_engine(EngineOptions& o, Visit&& v) {
  v("sample_rate", o.sample_rate);
  v("max_voices", o.max_voices);
  v("note_buffers", o.note_buffers);
  v("max_note_frames", o.max_note_frames);
  v("latency_frames", o.latency_frames);
  v("stream_chunk_frames", o.stream_chunk_frames);
  v("max_streams", o.max_streams);
  v("stream_params", o.stream_params);
  v("command_capacity", o.command_capacity);
  v("steal_fade_ms", o.steal_fade_ms);
}

// Control -> worker. kStreamStart and kStreamParams are preceded on the payload ring by
// stream_params floats.
enum class CommandType : uint8_t { kNote, kStreamStart, kStreamParams, kStreamStop };
struct Command {
  CommandType type = CommandType::kNote;
  int stream = -1;
  uint32_t gen = 0;
  int64_t frame = 0;
  uint64_t seq = 0;
  NoteRequest note;  // kNote; for kStreamStart only note.tag is used
};

// Worker -> audio.
enum class EventType : uint8_t { kNote, kStreamStart, kStreamStop };
struct Event {
  EventType type = EventType::kNote;
  int index = -1;  // note buffer or stream slot
  int length = 0;  // kNote
  uint32_t gen = 0;
  int64_t frame = 0;
  uint64_t seq = 0;
};

// One stream's chunks, worker -> audio. Chunk k lives in slot k % depth. The worker writes
// chunk k only while k < consumed + depth (the audio thread is done with chunk k - depth)
// and then publishes produced = k + 1; the audio thread reads chunk k while produced > k
// and publishes consumed = k + 1 once it has played past it (or skipped it).
struct StreamRing {
  std::vector<float> data;
  alignas(64) std::atomic<int64_t> produced{0};
  alignas(64) std::atomic<int64_t> consumed{0};
};

// Where a stream ends: at `start` if stopped before it began, else after the fade.
int64_t stream_end(int64_t start, int64_t stop, int fade) {
  if (stop == kNever) return kNever;
  return stop <= start ? start : stop + fade;
}

}  // namespace

int EngineOptions::steal_fade_frames() const {
  return std::max(1, static_cast<int>(std::lround(steal_fade_ms * sample_rate / 1000.0)));
}

int EngineOptions::stream_ring_chunks() const { return latency_frames / stream_chunk_frames + 3; }

void EngineOptions::validate() const {
  require(sample_rate >= 1000 && sample_rate <= 384000, "sample_rate", "must be 1000..384000");
  require(max_voices >= 1 && max_voices <= 1024, "max_voices", "must be 1..1024");
  require(note_buffers > max_voices && note_buffers <= 65536, "note_buffers",
          "must be max_voices + 1 .. 65536");
  require(max_note_frames >= 1 && max_note_frames <= (1 << 24), "max_note_frames",
          "must be 1..16777216");
  require(static_cast<int64_t>(note_buffers) * max_note_frames <= (int64_t(1) << 28),
          "note_buffers", "note_buffers * max_note_frames must be <= 2^28 samples");
  require(latency_frames >= 0 && latency_frames <= (1 << 22), "latency_frames",
          "must be 0..4194304");
  require(stream_chunk_frames >= 1 && stream_chunk_frames <= (1 << 16), "stream_chunk_frames",
          "must be 1..65536");
  require(max_streams >= 0 && max_streams <= 256, "max_streams", "must be 0..256");
  require(stream_params >= 0 && stream_params <= 65536, "stream_params", "must be 0..65536");
  require(command_capacity >= 1 && command_capacity <= (1 << 20), "command_capacity",
          "must be 1..1048576");
  require(static_cast<int64_t>(command_capacity) * std::max(1, stream_params) <= (int64_t(1) << 26),
          "command_capacity", "command_capacity * stream_params must be <= 2^26");
  require(std::isfinite(steal_fade_ms) && steal_fade_ms > 0 && steal_fade_ms <= 1000,
          "steal_fade_ms", "must be in (0, 1000]");
}

void to_json(json& j, const EngineOptions& o) {
  j = json::object();
  visit_engine(const_cast<EngineOptions&>(o), [&](const char* k, auto& f) { j[k] = f; });
}

void from_json(const json& j, EngineOptions& o) {
  JsonFieldReader r(j, "engine");
  visit_engine(o, r);
  r.reject_unknown();
}

struct Engine::Impl {
  struct PendingNote {
    int64_t frame = 0;
    uint64_t seq = 0;
    NoteRequest request;
  };
  struct WorkerStream {
    bool on = false;
    uint32_t gen = 0;
    uint64_t tag = 0;
    int64_t start = 0;
    int64_t end = kNever;
    int64_t next = 0;  // next chunk to render
    std::vector<float> params;
    std::vector<int64_t> change_frames;  // pending timed changes, by frame, stable
    std::vector<float> change_values;    // stream_params floats each
  };
  struct AudioStream {
    bool on = false;
    uint32_t gen = 0;
    int64_t start = 0, stop = kNever, end = kNever;
    int64_t missing = -1;  // last chunk counted as an underrun
    int64_t consumed = 0;  // what this thread last published in the ring
  };
  struct ControlStream {
    bool used = false, stopping = false;
    uint32_t gen = 0;
  };

  Impl(const EngineOptions& o, NoteRenderer n, StreamRenderer s)
      : opt(o),
        fade(o.steal_fade_frames()),
        chunk(o.stream_chunk_frames),
        depth(o.stream_ring_chunks()),
        n_params(o.stream_params),
        note_renderer(std::move(n)),
        stream_renderer(std::move(s)),
        note_data(static_cast<std::size_t>(o.note_buffers) * o.max_note_frames, 0.0f),
        commands(static_cast<std::size_t>(o.command_capacity)),
        payload(static_cast<std::size_t>(o.command_capacity) * std::max(1, o.stream_params)),
        events(static_cast<std::size_t>(o.note_buffers + 2 * o.max_streams + 8)),
        free_buffers(static_cast<std::size_t>(o.note_buffers)),
        rings(std::make_unique<StreamRing[]>(static_cast<std::size_t>(o.max_streams))),
        finished_gen(std::make_unique<std::atomic<uint32_t>[]>(static_cast<std::size_t>(o.max_streams))),
        pool(o.max_voices, o.note_buffers, fade, note_data.data(),
             static_cast<std::size_t>(o.max_note_frames)),
        audio_streams(static_cast<std::size_t>(o.max_streams)),
        control_streams(static_cast<std::size_t>(o.max_streams)),
        worker_notes(static_cast<std::size_t>(o.command_capacity)),
        worker_streams(static_cast<std::size_t>(o.max_streams)),
        scratch(static_cast<std::size_t>(o.stream_params)) {
    for (int i = 0; i < o.max_streams; ++i) {
      rings[static_cast<std::size_t>(i)].data.assign(static_cast<std::size_t>(depth) * chunk, 0.0f);
      finished_gen[static_cast<std::size_t>(i)].store(0);
      WorkerStream& ws = worker_streams[static_cast<std::size_t>(i)];
      ws.params.assign(static_cast<std::size_t>(n_params), 0.0f);
      ws.change_frames.reserve(64);
      ws.change_values.reserve(64 * static_cast<std::size_t>(n_params));
    }
    for (int b = 0; b < o.note_buffers; ++b) (void)free_buffers.push(b);
  }

  // ---- audio thread ----
  void process(std::span<float> out) noexcept;
  void mix_stream(int slot, int64_t f0, std::span<float> out) noexcept;

  // ---- worker thread ----
  void worker_main();
  bool drain_commands();
  bool render_due();
  void render_note(int index);
  void render_chunk(int slot);
  void push_event(const Event& e);
  void record_error(const std::string& what);

  // ---- control side ----
  void wake_worker() {
    {
      std::lock_guard lk(mu);
      wake = true;
    }
    work_cv.notify_one();
  }
  bool push_command(const Command& c, std::span<const float> params);  // control_mu held
  ControlStream& playing_stream(int id, const char* what);            // control_mu held
  void check_params(std::span<const float> params) const;

  const EngineOptions opt;
  const int fade, chunk, depth, n_params;
  NoteRenderer note_renderer;
  StreamRenderer stream_renderer;

  // Shared buffers and rings.
  std::vector<float> note_data;   // note_buffers x max_note_frames
  SpscQueue<Command> commands;    // control -> worker
  SpscQueue<float> payload;       // control -> worker, stream targets
  SpscQueue<Event> events;        // worker -> audio
  SpscQueue<int> free_buffers;    // audio -> worker, note buffers done with
  std::unique_ptr<StreamRing[]> rings;
  std::unique_ptr<std::atomic<uint32_t>[]> finished_gen;  // audio -> control: stream ended

  // Audio thread.
  VoicePool pool;
  std::vector<AudioStream> audio_streams;
  int64_t stream_underruns = 0;
  alignas(64) std::atomic<int64_t> frame{0};
  std::atomic<int64_t> stat_underruns{0}, stat_steals{0}, stat_started{0};
  std::atomic<int> stat_voices{0}, stat_streams{0};

  // Control side.
  std::mutex control_mu;
  uint64_t next_seq = 0;
  std::vector<ControlStream> control_streams;

  // Worker thread.
  std::vector<PendingNote> worker_notes;
  int n_worker_notes = 0;
  std::vector<WorkerStream> worker_streams;
  std::vector<float> scratch;
  int spare = -1;  // a note buffer taken from free_buffers and not used yet

  // Worker wake-up, wait_idle, errors.
  std::mutex mu;
  std::condition_variable work_cv, idle_cv;
  bool wake = false, quit = false;
  std::atomic<uint64_t> idle_request{0};
  uint64_t idle_ack = 0;
  std::string error;
  std::thread worker;
};

// ---------------------------------------------------------------- audio thread

void Engine::Impl::process(std::span<float> out) noexcept {
  std::fill(out.begin(), out.end(), 0.0f);
  const int64_t f0 = frame.load(std::memory_order_relaxed);  // written by this thread only
  Event e;
  while (events.pop(e)) {
    switch (e.type) {
      case EventType::kNote:
        if (!pool.add({e.index, e.frame, e.length, e.seq})) (void)free_buffers.push(e.index);
        break;
      case EventType::kStreamStart: {
        AudioStream& s = audio_streams[static_cast<std::size_t>(e.index)];
        s = AudioStream{};
        s.on = true;
        s.gen = e.gen;
        s.start = e.frame;
        break;
      }
      case EventType::kStreamStop: {
        AudioStream& s = audio_streams[static_cast<std::size_t>(e.index)];
        if (s.gen != e.gen) break;
        s.stop = e.frame;
        s.end = stream_end(s.start, s.stop, fade);
        break;
      }
    }
  }
  pool.mix(f0, out, free_buffers);
  int streams_on = 0;
  for (int i = 0; i < opt.max_streams; ++i)
    if (audio_streams[static_cast<std::size_t>(i)].on) {
      mix_stream(i, f0, out);
      streams_on += audio_streams[static_cast<std::size_t>(i)].on;
    }
  frame.store(f0 + static_cast<int64_t>(out.size()), std::memory_order_release);
  stat_underruns.store(pool.late() + stream_underruns, std::memory_order_relaxed);
  stat_steals.store(pool.steals(), std::memory_order_relaxed);
  stat_started.store(pool.started(), std::memory_order_relaxed);
  stat_voices.store(pool.active(), std::memory_order_relaxed);
  stat_streams.store(streams_on, std::memory_order_relaxed);
}

void Engine::Impl::mix_stream(int slot, int64_t f0, std::span<float> out) noexcept {
  AudioStream& s = audio_streams[static_cast<std::size_t>(slot)];
  StreamRing& r = rings[static_cast<std::size_t>(slot)];
  const int64_t t1 = f0 + static_cast<int64_t>(out.size());
  const int64_t produced = r.produced.load(std::memory_order_acquire);
  const float denom = static_cast<float>(fade + 1);
  int64_t f = std::max(f0, s.start);
  const int64_t f_end = std::min(t1, s.end);
  if (f < f_end && (f - s.start) / chunk > s.consumed) {
    // Started late (or a chunk boundary passed unplayed): the chunks before this one will
    // never be played, so let the worker skip them at once.
    s.consumed = (f - s.start) / chunk;
    r.consumed.store(s.consumed, std::memory_order_release);
  }
  while (f < f_end) {
    const int64_t rel = f - s.start, k = rel / chunk, off = rel % chunk;
    const int64_t run = std::min(f_end - f, chunk - off);
    if (k < produced) {
      const float* src = r.data.data() + (k % depth) * chunk + off;
      float* dst = out.data() + (f - f0);
      if (f + run <= s.stop) {
        for (int64_t i = 0; i < run; ++i) dst[i] += src[i];
      } else {
        for (int64_t i = 0; i < run; ++i) {
          const int64_t t = f + i;
          const float g = t < s.stop ? 1.0f : 1.0f - static_cast<float>(t - s.stop + 1) / denom;
          dst[i] += g * src[i];
        }
      }
    } else if (k != s.missing) {  // not rendered in time: silence, counted once per chunk
      s.missing = k;
      ++stream_underruns;
    }
    f += run;
    if (off + run == chunk) {
      s.consumed = k + 1;
      r.consumed.store(s.consumed, std::memory_order_release);
    }
  }
  if (t1 >= s.end) {
    s.on = false;
    finished_gen[static_cast<std::size_t>(slot)].store(s.gen, std::memory_order_release);
  }
}

// ---------------------------------------------------------------- worker thread

void Engine::Impl::record_error(const std::string& what) {
  std::lock_guard lk(mu);
  if (error.empty()) error = what.empty() ? "unknown error" : what;
}

void Engine::Impl::push_event(const Event& e) {
  // The ring holds every event that can be in flight (one per note buffer, two per
  // stream slot), so this loop only spins if the audio thread has stopped.
  while (!events.push(e)) {
    {
      std::lock_guard lk(mu);
      if (quit) return;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

void Engine::Impl::worker_main() {
  for (;;) {
    const uint64_t request = idle_request.load(std::memory_order_acquire);
    bool did = drain_commands();
    did = render_due() || did;
    std::unique_lock lk(mu);
    if (quit) return;
    if (did) continue;
    // A whole pass found nothing to do: everything requested before `request` is done.
    idle_ack = std::max(idle_ack, request);
    idle_cv.notify_all();
    // Sleep until a control call, or poll: the audio thread signals nothing (it frees
    // buffers and advances the frame without system calls).
    work_cv.wait_for(lk, std::chrono::microseconds(500), [&] { return wake || quit; });
    wake = false;
    if (quit) return;
  }
}

bool Engine::Impl::drain_commands() {
  bool did = false;
  for (;;) {
    const Command* head = commands.front();
    if (!head) break;
    if (head->type == CommandType::kNote && n_worker_notes == static_cast<int>(worker_notes.size()))
      break;  // our own list is full: leave the rest in the ring
    Command c;
    (void)commands.pop(c);
    did = true;
    switch (c.type) {
      case CommandType::kNote:
        worker_notes[static_cast<std::size_t>(n_worker_notes++)] = {c.frame, c.seq, c.note};
        break;
      case CommandType::kStreamStart: {
        WorkerStream& ws = worker_streams[static_cast<std::size_t>(c.stream)];
        (void)payload.pop_all(ws.params);
        ws.on = true;
        ws.gen = c.gen;
        ws.tag = c.note.tag;
        ws.start = c.frame;
        ws.end = kNever;
        ws.next = 0;
        ws.change_frames.clear();
        ws.change_values.clear();
        // The audio thread left this slot (the control side saw it finish) and will not
        // touch the ring again before it reads the start event pushed below.
        StreamRing& r = rings[static_cast<std::size_t>(c.stream)];
        r.produced.store(0, std::memory_order_relaxed);
        r.consumed.store(0, std::memory_order_relaxed);
        push_event({EventType::kStreamStart, c.stream, 0, c.gen, c.frame, c.seq});
        break;
      }
      case CommandType::kStreamParams: {
        (void)payload.pop_all(scratch);
        WorkerStream& ws = worker_streams[static_cast<std::size_t>(c.stream)];
        if (ws.gen != c.gen) break;
        const auto pos = std::upper_bound(ws.change_frames.begin(), ws.change_frames.end(), c.frame);
        const auto index = pos - ws.change_frames.begin();
        ws.change_frames.insert(pos, c.frame);
        ws.change_values.insert(ws.change_values.begin() + index * n_params, scratch.begin(),
                                scratch.end());
        break;
      }
      case CommandType::kStreamStop: {
        WorkerStream& ws = worker_streams[static_cast<std::size_t>(c.stream)];
        if (ws.gen != c.gen) break;
        ws.end = stream_end(ws.start, c.frame, fade);
        push_event({EventType::kStreamStop, c.stream, 0, c.gen, c.frame, c.seq});
        break;
      }
    }
  }
  return did;
}

// Renders what is due (first frame <= current frame + latency), most urgent first, until
// nothing more can be done now.
bool Engine::Impl::render_due() {
  bool did = false;
  for (;;) {
    const int64_t horizon = frame.load(std::memory_order_acquire) + opt.latency_frames;
    if (spare < 0 && !free_buffers.pop(spare)) spare = -1;
    int best_note = -1;
    if (spare >= 0)
      for (int i = 0; i < n_worker_notes; ++i) {
        const PendingNote& p = worker_notes[static_cast<std::size_t>(i)];
        if (p.frame > horizon) continue;
        const PendingNote* b = best_note < 0 ? nullptr : &worker_notes[static_cast<std::size_t>(best_note)];
        if (!b || p.frame < b->frame || (p.frame == b->frame && p.seq < b->seq)) best_note = i;
      }
    int best_stream = -1;
    int64_t best_stream_frame = kNever;
    for (int i = 0; i < opt.max_streams; ++i) {
      WorkerStream& ws = worker_streams[static_cast<std::size_t>(i)];
      if (!ws.on) continue;
      const int64_t consumed = rings[static_cast<std::size_t>(i)].consumed.load(std::memory_order_acquire);
      ws.next = std::max(ws.next, consumed);  // chunks the audio thread has passed: skip
      const int64_t first = ws.start + ws.next * chunk;
      if (first >= ws.end) {
        ws.on = false;  // everything up to the end of its fade is rendered
        continue;
      }
      if (first > horizon || ws.next >= consumed + depth) continue;
      if (first < best_stream_frame) {
        best_stream = i;
        best_stream_frame = first;
      }
    }
    if (best_note >= 0 &&
        (best_stream < 0 || worker_notes[static_cast<std::size_t>(best_note)].frame <= best_stream_frame))
      render_note(best_note);
    else if (best_stream >= 0)
      render_chunk(best_stream);
    else
      return did;
    did = true;
  }
}

void Engine::Impl::render_note(int index) {
  const PendingNote p = worker_notes[static_cast<std::size_t>(index)];
  worker_notes[static_cast<std::size_t>(index)] = worker_notes[static_cast<std::size_t>(--n_worker_notes)];
  float* buf = note_data.data() + static_cast<std::size_t>(spare) * opt.max_note_frames;
  int n = 0;
  try {
    n = note_renderer(p.request, std::span<float>(buf, static_cast<std::size_t>(opt.max_note_frames)));
  } catch (const std::exception& e) {
    record_error(e.what());
    n = 0;
  } catch (...) {
    record_error("unknown exception from the note renderer");
    n = 0;
  }
  n = std::clamp(n, 0, opt.max_note_frames);
  if (p.request.gain != 1.0f)
    for (int i = 0; i < n; ++i) buf[i] *= p.request.gain;
  if (n == 0) return;  // nothing to play; keep the buffer as the spare
  push_event({EventType::kNote, spare, n, 0, p.frame, p.seq});
  spare = -1;
}

void Engine::Impl::render_chunk(int slot) {
  WorkerStream& ws = worker_streams[static_cast<std::size_t>(slot)];
  StreamRing& r = rings[static_cast<std::size_t>(slot)];
  const int64_t k = ws.next;
  const int64_t first = ws.start + k * chunk;
  // The latest timed change at or before the chunk's first frame is its target.
  std::size_t applied = 0;
  while (applied < ws.change_frames.size() && ws.change_frames[applied] <= first) ++applied;
  if (applied > 0) {
    std::copy_n(ws.change_values.begin() + static_cast<std::ptrdiff_t>((applied - 1) * n_params),
                n_params, ws.params.begin());
    ws.change_frames.erase(ws.change_frames.begin(), ws.change_frames.begin() + static_cast<std::ptrdiff_t>(applied));
    ws.change_values.erase(ws.change_values.begin(),
                           ws.change_values.begin() + static_cast<std::ptrdiff_t>(applied * n_params));
  }
  float* dst = r.data.data() + (k % depth) * chunk;
  const std::span<float> out(dst, static_cast<std::size_t>(chunk));
  int n = 0;
  try {
    n = stream_renderer(StreamState{slot, ws.tag, ws.start, ws.params}, k, out);
  } catch (const std::exception& e) {
    record_error(e.what());
    n = 0;
  } catch (...) {
    record_error("unknown exception from the stream renderer");
    n = 0;
  }
  n = std::clamp(n, 0, chunk);
  std::fill(out.begin() + n, out.end(), 0.0f);
  r.produced.store(k + 1, std::memory_order_release);
  ws.next = k + 1;
}

// ---------------------------------------------------------------- control side

bool Engine::Impl::push_command(const Command& c, std::span<const float> params) {
  if (commands.write_available() < 1 || payload.write_available() < params.size()) return false;
  (void)payload.push_all(params);
  (void)commands.push(c);
  ++next_seq;
  wake_worker();
  return true;
}

Engine::Impl::ControlStream& Engine::Impl::playing_stream(int id, const char* what) {
  if (id < 0 || id >= opt.max_streams || !control_streams[static_cast<std::size_t>(id)].used ||
      control_streams[static_cast<std::size_t>(id)].stopping)
    throw Error(std::string("engine ") + what + ": stream " + std::to_string(id) +
                " is not playing");
  return control_streams[static_cast<std::size_t>(id)];
}

void Engine::Impl::check_params(std::span<const float> params) const {
  if (static_cast<int>(params.size()) != n_params)
    throw Error("engine stream params: " + std::to_string(params.size()) +
                " values given, stream_params is " + std::to_string(n_params));
}

// ---------------------------------------------------------------- Engine

Engine::Engine(const EngineOptions& options, NoteRenderer notes, StreamRenderer streams) {
  options.validate();
  if (!notes) throw Error("engine: no note renderer given");
  impl_ = std::make_unique<Impl>(options, std::move(notes), std::move(streams));
  impl_->worker = std::thread([this] { impl_->worker_main(); });
}

Engine::~Engine() {
  {
    std::lock_guard lk(impl_->mu);
    impl_->quit = true;
  }
  impl_->work_cv.notify_all();
  impl_->idle_cv.notify_all();
  if (impl_->worker.joinable()) impl_->worker.join();
}

const EngineOptions& Engine::options() const { return impl_->opt; }
int Engine::latency_frames() const { return impl_->opt.latency_frames; }

void Engine::process(std::span<float> out) noexcept { impl_->process(out); }

int64_t Engine::current_frame() const { return impl_->frame.load(std::memory_order_acquire); }

bool Engine::note(const NoteRequest& request) {
  return note_at(current_frame() + impl_->opt.latency_frames, request);
}

bool Engine::note_at(int64_t frame, const NoteRequest& request) {
  if (!std::isfinite(request.gain))
    throw Error("engine note: gain " + std::to_string(request.gain) + " is not finite");
  std::lock_guard lk(impl_->control_mu);
  Command c;
  c.type = CommandType::kNote;
  c.frame = frame;
  c.seq = impl_->next_seq;
  c.note = request;
  return impl_->push_command(c, {});
}

int Engine::start_stream(std::span<const float> params, uint64_t tag) {
  return start_stream_at(current_frame() + impl_->opt.latency_frames, params, tag);
}

int Engine::start_stream_at(int64_t frame, std::span<const float> params, uint64_t tag) {
  if (!impl_->stream_renderer) throw Error("engine start_stream: no stream renderer given");
  impl_->check_params(params);
  std::lock_guard lk(impl_->control_mu);
  for (int i = 0; i < impl_->opt.max_streams; ++i) {
    Impl::ControlStream& cs = impl_->control_streams[static_cast<std::size_t>(i)];
    const bool free = !cs.used ||
        (cs.stopping && impl_->finished_gen[static_cast<std::size_t>(i)].load(std::memory_order_acquire) == cs.gen);
    if (!free) continue;
    Command c;
    c.type = CommandType::kStreamStart;
    c.stream = i;
    c.gen = cs.gen + 1;
    c.frame = frame;
    c.seq = impl_->next_seq;
    c.note.tag = tag;
    if (!impl_->push_command(c, params)) return -1;
    cs.used = true;
    cs.stopping = false;
    cs.gen = c.gen;
    return i;
  }
  return -1;
}

bool Engine::set_stream_params(int id, std::span<const float> params) {
  return set_stream_params_at(id, current_frame() + impl_->opt.latency_frames, params);
}

bool Engine::set_stream_params_at(int id, int64_t frame, std::span<const float> params) {
  impl_->check_params(params);
  std::lock_guard lk(impl_->control_mu);
  const Impl::ControlStream& cs = impl_->playing_stream(id, "set_stream_params");
  Command c;
  c.type = CommandType::kStreamParams;
  c.stream = id;
  c.gen = cs.gen;
  c.frame = frame;
  c.seq = impl_->next_seq;
  return impl_->push_command(c, params);
}

bool Engine::stop_stream(int id) {
  return stop_stream_at(id, current_frame() + impl_->opt.latency_frames);
}

bool Engine::stop_stream_at(int id, int64_t frame) {
  std::lock_guard lk(impl_->control_mu);
  Impl::ControlStream& cs = impl_->playing_stream(id, "stop_stream");
  Command c;
  c.type = CommandType::kStreamStop;
  c.stream = id;
  c.gen = cs.gen;
  c.frame = frame;
  c.seq = impl_->next_seq;
  if (!impl_->push_command(c, {})) return false;
  cs.stopping = true;
  return true;
}

void Engine::wait_idle() {
  Impl& m = *impl_;
  const uint64_t mine = m.idle_request.fetch_add(1, std::memory_order_acq_rel) + 1;
  std::unique_lock lk(m.mu);
  m.wake = true;
  m.work_cv.notify_one();
  m.idle_cv.wait(lk, [&] { return m.idle_ack >= mine || m.quit; });
  if (!m.error.empty()) {
    const std::string what = std::move(m.error);
    m.error.clear();
    throw Error("engine renderer: " + what);
  }
}

void Engine::process_offline(std::span<float> out) {
  const std::size_t block = static_cast<std::size_t>(std::max(1, impl_->opt.latency_frames));
  for (std::size_t pos = 0; pos < out.size(); pos += block) {
    wait_idle();
    process(out.subspan(pos, std::min(block, out.size() - pos)));
  }
  wait_idle();  // surfaces an error from the last block's rendering too
}

int64_t Engine::underruns() const { return impl_->stat_underruns.load(std::memory_order_relaxed); }
int64_t Engine::steals() const { return impl_->stat_steals.load(std::memory_order_relaxed); }
int64_t Engine::notes_started() const { return impl_->stat_started.load(std::memory_order_relaxed); }
int Engine::active_voices() const { return impl_->stat_voices.load(std::memory_order_relaxed); }
int Engine::active_streams() const { return impl_->stat_streams.load(std::memory_order_relaxed); }

std::vector<float> render_offline(const EngineOptions& options, NoteRenderer renderer,
                                  std::span<const TimedNote> notes, int64_t frames) {
  if (frames < 0) throw Error("render_offline: frames " + std::to_string(frames) + " is negative");
  Engine engine(options, std::move(renderer));
  std::vector<std::size_t> order(notes.size());
  std::iota(order.begin(), order.end(), std::size_t(0));
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return notes[a].frame < notes[b].frame; });
  std::vector<float> out(static_cast<std::size_t>(frames), 0.0f);
  const int64_t latency = options.latency_frames;
  const int64_t block = std::max<int64_t>(1, latency);
  std::size_t next = 0;
  for (int64_t pos = 0; pos < frames; pos += block) {
    // Submit what the worker may render before this block: the rest waits, so the
    // worker's lists stay short however long the score.
    for (; next < order.size() && notes[order[next]].frame <= pos + latency; ++next) {
      const TimedNote& n = notes[order[next]];
      if (engine.note_at(n.frame, n.request)) continue;
      engine.wait_idle();
      if (!engine.note_at(n.frame, n.request))
        throw Error("render_offline: more than command_capacity (" +
                    std::to_string(options.command_capacity) + ") notes within latency_frames");
    }
    const int64_t n = std::min(block, frames - pos);
    engine.process_offline(std::span<float>(out.data() + pos, static_cast<std::size_t>(n)));
  }
  return out;
}

}  // namespace ngsynth::live
