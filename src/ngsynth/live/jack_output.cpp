#include "ngsynth/live/jack_output.h"

#include <jack/jack.h>
#include <samplerate.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <span>
#include <vector>

#include "ngsynth/util/error.h"

namespace ngsynth::live {

struct JackOutput::Impl {
  Engine& engine;
  jack_client_t* client = nullptr;
  jack_port_t* port = nullptr;
  int rate = 0;
  int period = 0;
  std::atomic<int64_t> frames{0}, calls{0}, xrun_count{0};
  std::atomic<bool> gone{false}, mismatch{false};
  // When JACK runs at another rate than the engine: a streaming libsamplerate converter
  // that pulls engine blocks through its callback (no allocation once created).
  SRC_STATE* src = nullptr;
  double ratio = 1.0;  // output (JACK) frames per engine frame
  std::vector<float> block = std::vector<float>(256);

  explicit Impl(Engine& e) : engine(e) {}
  ~Impl() {
    if (client) {
      jack_deactivate(client);
      jack_client_close(client);
    }
    if (src) src_delete(src);
  }

  static long pull(void* arg, float** data) {
    Impl& m = *static_cast<Impl*>(arg);
    m.engine.process(std::span<float>(m.block));
    *data = m.block.data();
    return static_cast<long>(m.block.size());
  }

  // --- JACK's threads ---
  static int process(jack_nframes_t n, void* arg) {
    Impl& m = *static_cast<Impl*>(arg);
    auto* out = static_cast<jack_default_audio_sample_t*>(jack_port_get_buffer(m.port, n));
    if (m.src) {
      const long got = src_callback_read(m.src, m.ratio, static_cast<long>(n), out);
      for (long i = std::max(got, 0L); i < static_cast<long>(n); ++i) out[i] = 0.0f;
    } else {
      m.engine.process(std::span<float>(out, n));
    }
    m.frames.fetch_add(n, std::memory_order_relaxed);
    m.calls.fetch_add(1, std::memory_order_relaxed);
    return 0;
  }
  static int xrun(void* arg) {
    static_cast<Impl*>(arg)->xrun_count.fetch_add(1, std::memory_order_relaxed);
    return 0;
  }
  static int rate_changed(jack_nframes_t rate, void* arg) {
    Impl& m = *static_cast<Impl*>(arg);
    m.mismatch.store(static_cast<int>(rate) != m.rate, std::memory_order_relaxed);
    return 0;
  }
  static void shutdown(void* arg) { static_cast<Impl*>(arg)->gone.store(true); }
};

static_assert(sizeof(jack_default_audio_sample_t) == sizeof(float), "JACK samples must be floats");

JackOutput::JackOutput(Engine& engine, const JackOptions& options) : impl_(std::make_unique<Impl>(engine)) {
  Impl& m = *impl_;
  int flags = options.start_server ? JackNullOption : JackNoStartServer;
  if (!options.server_name.empty()) flags |= JackServerName;
  jack_status_t status{};
  m.client = options.server_name.empty()
                 ? jack_client_open(options.client_name.c_str(), static_cast<jack_options_t>(flags), &status)
                 : jack_client_open(options.client_name.c_str(), static_cast<jack_options_t>(flags), &status,
                                    options.server_name.c_str());
  const std::string server = options.server_name.empty() ? "the default JACK server" : "JACK server '" + options.server_name + "'";
  if (!m.client)
    throw Error("jack: cannot connect to " + server + (status & JackServerFailed ? " (is jackd running?)" : "") +
                " (status 0x" + [&] {
                  char b[16];
                  std::snprintf(b, sizeof(b), "%x", static_cast<unsigned>(status));
                  return std::string(b);
                }() + ")");
  m.rate = static_cast<int>(jack_get_sample_rate(m.client));
  m.period = static_cast<int>(jack_get_buffer_size(m.client));
  if (m.rate != engine.options().sample_rate) {
    int err = 0;
    m.ratio = double(m.rate) / engine.options().sample_rate;
    m.src = src_callback_new(&Impl::pull, SRC_SINC_FASTEST, 1, &err, &m);
    if (!m.src || src_is_valid_ratio(m.ratio) == 0)
      throw Error("jack: cannot resample " + std::to_string(engine.options().sample_rate) + " Hz to " +
                  std::to_string(m.rate) + " Hz: " + src_strerror(err));
  }
  m.port = jack_port_register(m.client, options.port_name.c_str(), JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
  if (!m.port) throw Error("jack: cannot register output port '" + options.port_name + "'");
  if (jack_set_process_callback(m.client, &Impl::process, &m) != 0 ||
      jack_set_xrun_callback(m.client, &Impl::xrun, &m) != 0 ||
      jack_set_sample_rate_callback(m.client, &Impl::rate_changed, &m) != 0)
    throw Error("jack: cannot set the client's callbacks");
  jack_on_shutdown(m.client, &Impl::shutdown, &m);
  if (jack_activate(m.client) != 0) throw Error("jack: cannot activate the client");
  if (options.connect) {
    const char** ports = jack_get_ports(m.client, nullptr, JACK_DEFAULT_AUDIO_TYPE, JackPortIsPhysical | JackPortIsInput);
    if (!ports) throw Error("jack: no physical playback ports to connect to");
    int connected = 0;
    for (int i = 0; ports[i] && i < 2; ++i)
      if (jack_connect(m.client, jack_port_name(m.port), ports[i]) == 0) ++connected;
    jack_free(ports);
    if (connected == 0) throw Error("jack: cannot connect to the playback ports");
  }
}

JackOutput::~JackOutput() = default;

int JackOutput::sample_rate() const { return impl_->rate; }
bool JackOutput::resampling() const { return impl_->src != nullptr; }
int JackOutput::buffer_size() const { return impl_->period; }
std::string JackOutput::client_name() const { return jack_get_client_name(impl_->client); }
std::string JackOutput::port_name() const { return jack_port_name(impl_->port); }

std::vector<std::string> JackOutput::connections() const {
  std::vector<std::string> out;
  const char** c = jack_port_get_all_connections(impl_->client, impl_->port);
  if (!c) return out;
  for (int i = 0; c[i]; ++i) out.emplace_back(c[i]);
  jack_free(c);
  return out;
}

int64_t JackOutput::frames_processed() const { return impl_->frames.load(std::memory_order_relaxed); }
int64_t JackOutput::callbacks() const { return impl_->calls.load(std::memory_order_relaxed); }
int64_t JackOutput::xruns() const { return impl_->xrun_count.load(std::memory_order_relaxed); }
bool JackOutput::server_gone() const { return impl_->gone.load(); }
bool JackOutput::rate_mismatch() const { return impl_->mismatch.load(std::memory_order_relaxed); }

}  // namespace ngsynth::live
