// The HTTP front-end of `ngsynth serve --http PORT`: one web page (compiled into the
// program, see web_assets.h) to play a model, and the small JSON API under /api/ that the
// page uses and that curl can script. Built on cpp-httplib; acts on a live::Performer, so
// it talks to the model only through live::Instrument.
//
// Audio. In "browser" mode (the default) the page plays everything with Web Audio: hits
// are the drum machine's track buffers, fetched as WAV; the map's grain stream is rendered
// here chunk by chunk (a StreamRenderer of its own) and fetched as WAV while the pointer
// moves; the sequencer is scheduled in the page. In "jack" mode the same requests play
// through the Performer's engine (JACK output) instead and answer JSON.
//
// API (every reply is JSON unless it is a sound; every error is a 4xx JSON
// {"error": "..."} naming the problem):
//   GET  /api/info                      model, rate, classes, audio mode, latency, limits
//   GET  /api/status                    engine frame, notes started, underruns, playing
//   GET  /api/classes                   per class: seed, temperature, gain, frames
//   GET  /api/map                       latent map: ranges, explained variance, points
//   GET  /api/hit/CLASS                 the class's current hit (WAV, 32-bit float)
//   POST /api/sample  {"class", "seed"?, "temperature"?}   re-sample the class's hit
//   POST /api/play    {"class"}         play the hit on the server (jack mode)
//   POST /api/stream  {"x", "y", "class"?, "frames"?}      browser: the next `frames`
//                                       frames of the map stream (WAV); jack: move it
//   POST /api/stream/stop               end the stream
//   POST /api/resynth?class=&variations=&spread=&seed=   body: a sound file (any format
//                                       libsndfile reads); JSON analysis, sounds under
//                                       /api/dropped/resynthesis and /api/dropped/variation/N
//   POST /api/dropped/use {"source", "class"}  put a dropped sound into a class's track
//   GET  /api/pattern, PUT /api/pattern  the pattern (the `ngsynth drums` JSON format)
//   POST /api/transport {"playing"}     start or stop the server's drum machine (jack mode)
//   GET  /api/kit.zip                   every hit as WAV, pattern.json and a Hydrogen
//                                       drumkit.xml, as one zip
//
// Safety. Binds 127.0.0.1 unless told otherwise; bodies above max_upload_bytes are refused
// (413) before they are read; uploads are decoded in memory with a frame limit set before
// any allocation; nothing is written to disk (the dropped sound lives in memory); a fixed
// pool of worker threads, read/write timeouts and keep-alive limits bound what a flood
// of requests can take.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "ngsynth/live/performer.h"

namespace ngsynth::serve {

struct HttpOptions {
  std::string address = "127.0.0.1";  // "0.0.0.0": every interface
  int port = 8080;                    // 0: a free port, see HttpServer::port()
  bool jack = false;                  // audio through the server (JACK) instead of the page
  std::string audio_detail;           // shown on the page, e.g. the JACK port and rate
  std::string model_name;             // shown on the page (the model file's name)
  std::size_t max_upload_bytes = 16u << 20;
  double max_upload_seconds = 30.0;   // of a dropped sound, after decoding
  int max_stream_frames = 16384;      // per /api/stream request
  int threads = 12;                   // request workers (one per open connection: a browser keeps up to 6)
  // Where error lines go (one call per line, without newline); default: stderr.
  std::function<void(const std::string&)> log;
};

class HttpServer {
 public:
  // Binds and starts serving on a thread of its own. Error if the address cannot be bound.
  HttpServer(live::Performer& performer, HttpOptions options = {});
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;
  std::string url() const;  // "http://127.0.0.1:PORT/"
  void stop();              // idempotent

  struct Stats {
    int64_t requests = 0;  // answered
    int64_t errors = 0;    // 4xx and 5xx replies
  };
  Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ngsynth::serve
