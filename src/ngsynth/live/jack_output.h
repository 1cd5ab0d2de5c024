// Live audio output through JACK (jackd2): a client with one mono output port whose
// process callback is Engine::process on the port's buffer, and nothing else besides two
// relaxed atomic counter updates. When the server runs at another rate than the engine
// (48 kHz against a 16 kHz model), a streaming libsamplerate converter (SRC_SINC_FASTEST,
// created at start, allocation-free afterwards) pulls 256-frame engine blocks from the
// callback and adds its filter delay (a few ms) to the latency. A later change of the
// server's rate is counted as a mismatch. The engine's latency_frames should be at least
// one JACK period (or 256 frames when resampling) plus the renderer's worst case.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ngsynth/live/engine.h"

namespace ngsynth::live {

struct JackOptions {
  std::string client_name = "ngsynth";
  std::string server_name;        // empty: $JACK_DEFAULT_SERVER or the default server
  std::string port_name = "out";
  bool connect = false;           // connect the port to the physical playback ports
  bool start_server = false;      // let libjack start a server when none runs
};

class JackOutput {
 public:
  // Opens the client, registers the port, checks the sample rate, activates the client
  // and (with `connect`) connects it. Error naming the cause if any step fails; the
  // client is closed again then. The engine must outlive this object.
  JackOutput(Engine& engine, const JackOptions& options = {});
  ~JackOutput();  // deactivates and closes the client (the callback has returned then)
  JackOutput(const JackOutput&) = delete;
  JackOutput& operator=(const JackOutput&) = delete;

  int sample_rate() const;            // the server's
  bool resampling() const;            // the server's rate differs from the engine's
  int buffer_size() const;            // frames per period, as of the start
  std::string client_name() const;    // as granted by the server (may differ if taken)
  std::string port_name() const;      // full name, "client:out"
  std::vector<std::string> connections() const;  // ports the output is connected to

  // Any thread.
  int64_t frames_processed() const;   // frames written by the process callback
  int64_t callbacks() const;          // process callbacks run
  int64_t xruns() const;              // xruns reported by the server
  bool server_gone() const;           // the server shut down or kicked the client out
  bool rate_mismatch() const;         // the server's rate changed away from the engine's

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ngsynth::live
