// The streaming engine: plays notes (one-shot sounds such as drum hits) and streams
// (continuous sounds that follow a changing target, such as an XY pad or a latent path)
// in audio blocks of any size, with the rendering done on a worker thread.
//
// The engine does not know what renders audio. It is given two callbacks, both called on
// its worker thread only, never on the audio thread:
//   NoteRenderer:   fills a note buffer (at most max_note_frames) for a NoteRequest and
//                   returns the number of frames written; the engine applies the gain.
//   StreamRenderer: fills chunk k (stream_chunk_frames frames, e.g. one grain hop) of a
//                   stream from its target parameters in effect at the chunk's first frame;
//                   returns the frames written (the rest is zeroed).
// A callback that throws renders silence; the message is kept and thrown by the next
// wait_idle() (or process_offline()) as an Error.
//
// Threads.
//   control threads: note(), start_stream(), set_stream_params(), ... Any number of them;
//       they are serialised by a mutex on the control side (never taken by the audio
//       thread). Each call is a message on the control -> worker ring (lock-free SPSC).
//   worker thread:   owned by the engine; renders what is due into preallocated buffers
//       and hands them on: rendered notes and stream start/stop through the worker ->
//       audio ring, stream chunks through one chunk ring per stream.
//   audio thread:    process(), the audio callback. No allocation, lock, I/O, logging or
//       system call: it drains the worker -> audio ring, starts and mixes voices, gives
//       finished note buffers back through the audio -> worker free-list ring, and
//       advances the frame counter. It never waits: what is not rendered in time is
//       silence, counted in underruns().
// Nothing is allocated after construction (the worker may grow one small list if a
// stream has more than 64 pending timed parameter changes).
//
// Time and latency. Every sound has an absolute start frame; the audio thread starts it
// sample-exactly inside whatever block contains that frame. current_frame() is the frame
// of the next sample process() will produce. The worker renders everything whose first
// frame is <= current_frame() + latency_frames, and no further ahead, so
// latency_frames is the time the worker has to render a note or a chunk; it must be at
// least the host's block size plus the renderer's worst-case time. note(),
// start_stream(), set_stream_params() and stop_stream() act at current_frame() +
// latency_frames; the *_at() forms take an explicit frame (sequencers, offline rendering
// and tests). A stream's target change applies from its first chunk that starts at or
// after the change frame (a live change may land one chunk later if that chunk was
// already rendered).
//
// Determinism. The samples are a function of the requests (and their frames) alone, not
// of block sizes or thread timing, as long as nothing underruns: process_offline() and
// the test harness call wait_idle() before each block of at most latency_frames frames.
//
// Voices: see voice_pool.h (max_voices playing notes, the oldest stolen with a short
// linear fade of steal_fade_ms). Streams do not take note voices: up to max_streams play
// at once besides the notes; a stopped stream fades out linearly over the same fade.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace ngsynth::live {

// One note to render: what the model needs (class, seed, temperature), the engine's gain,
// and a free tag for the caller (e.g. a kit-piece or pad number).
struct NoteRequest {
  int class_index = 0;
  uint64_t seed = 0;
  float temperature = 1.0f;
  float gain = 1.0f;
  uint64_t tag = 0;
};

// What a stream renderer sees for one chunk.
struct StreamState {
  int id = 0;                     // stream slot, 0..max_streams-1 (reused after a stream ends)
  uint64_t tag = 0;               // as given to start_stream
  int64_t start_frame = 0;        // absolute frame of chunk 0; chunk k starts k * chunk frames later
  std::span<const float> params;  // the target (stream_params floats) in effect at this chunk
};

// Worker thread only. Returns frames written into `out` (clamped to 0..out.size()).
using NoteRenderer = std::function<int(const NoteRequest& request, std::span<float> out)>;
// Worker thread only. Chunk 0 is the first of a new stream (reset any per-id state then);
// chunks of one stream come in increasing order, possibly with gaps after an underrun.
using StreamRenderer =
    std::function<int(const StreamState& stream, int64_t chunk_index, std::span<float> out)>;

struct EngineOptions {
  int sample_rate         = 16000;
  int max_voices          = 16;     // notes playing at once (more: the oldest is stolen)
  int note_buffers        = 48;     // preallocated note buffers (>= max_voices + 1): playing,
                                    // fading and rendered-but-not-started notes share them
  int max_note_frames     = 16384;  // longest note; the fast preset's event is 11264 frames
  int latency_frames      = 1024;   // worker's head start; see the header comment
  int stream_chunk_frames = 256;    // frames per stream chunk (one grain hop of the fast preset)
  int max_streams         = 4;      // streams playing at once
  int stream_params       = 2;      // floats per stream target (2 for an XY point, z_dim for a latent)
  int command_capacity    = 1024;   // control -> worker messages in flight (power of two above)
  double steal_fade_ms    = 5.0;    // fade of a stolen note or a stopped stream

  int steal_fade_frames() const;    // steal_fade_ms at sample_rate, >= 1 frame
  int stream_ring_chunks() const;   // chunks per stream ring: latency / chunk + 3
  // Throws Error naming the first invalid field.
  void validate() const;
};

void to_json(nlohmann::json& j, const EngineOptions& o);
void from_json(const nlohmann::json& j, EngineOptions& o);  // unknown keys are errors

// A note at an absolute frame, for offline rendering.
struct TimedNote {
  int64_t frame = 0;
  NoteRequest request;
};

class Engine {
 public:
  // Validates the options, allocates every buffer and ring, starts the worker thread.
  // Error if the options are invalid or `notes` is empty; `streams` may be empty when no
  // stream is ever started.
  Engine(const EngineOptions& options, NoteRenderer notes, StreamRenderer streams = {});
  ~Engine();  // stops and joins the worker
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const EngineOptions& options() const;
  int latency_frames() const;

  // --- audio thread ---
  // Writes the next out.size() mono samples (overwrites `out`), any size.
  void process(std::span<float> out) noexcept;

  // --- control threads (any number; serialised among themselves) ---
  int64_t current_frame() const;
  // False when the control -> worker ring is full (the request is dropped).
  bool note(const NoteRequest& request);                   // at current_frame() + latency
  bool note_at(int64_t frame, const NoteRequest& request);  // frame in the past: late, see voice_pool.h
  // Returns the stream id, or -1 when all max_streams streams are busy or the ring is
  // full. Error if no stream renderer was given or params.size() != stream_params.
  int start_stream(std::span<const float> params, uint64_t tag = 0);
  int start_stream_at(int64_t frame, std::span<const float> params, uint64_t tag = 0);
  // False when the ring is full. Error if `id` is not a started, unstopped stream or
  // params.size() != stream_params.
  bool set_stream_params(int id, std::span<const float> params);
  bool set_stream_params_at(int id, int64_t frame, std::span<const float> params);
  // The stream plays until `frame`, then fades out; its id is free again once the audio
  // thread has played the fade. Error if `id` is not a started, unstopped stream.
  bool stop_stream(int id);
  bool stop_stream_at(int id, int64_t frame);

  // --- non-real-time (control side) ---
  // Blocks until the worker has rendered everything requested so far that is due by
  // current_frame() + latency_frames. Throws Error with a renderer's message if one threw.
  void wait_idle();
  // The offline way to run the engine: fills `out` with process() in blocks of at most
  // latency_frames frames, calling wait_idle() before each, so nothing underruns.
  void process_offline(std::span<float> out);

  // --- statistics (any thread; updated by the audio thread after each block) ---
  int64_t underruns() const;      // late notes + missing stream chunks
  int64_t steals() const;         // notes stolen
  int64_t notes_started() const;
  int active_voices() const;      // playing notes after the last block
  int active_streams() const;     // streams playing after the last block

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Runs an engine with `options` and `notes` over `frames` frames from frame 0, the notes
// submitted as they come due, and returns the samples: the reference rendering of a list
// of timed notes (e.g. a drum loop). Error if a renderer throws or the options are invalid.
std::vector<float> render_offline(const EngineOptions& options, NoteRenderer renderer,
                                  std::span<const TimedNote> notes, int64_t frames);

}  // namespace ngsynth::live
