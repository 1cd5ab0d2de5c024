#include "clap_host.h"

#include <dlfcn.h>

#include <atomic>
#include <cstring>
#include <stdexcept>

#include "clap/entry.h"
#include "clap/events.h"
#include "clap/ext/audio-ports.h"
#include "clap/ext/latency.h"
#include "clap/ext/params.h"
#include "clap/ext/state.h"
#include "clap/host.h"
#include "clap/plugin-factory.h"
#include "clap/process.h"
#include "clap/stream.h"

namespace ngsynth::test {

namespace {
[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("clap host: " + what); }

// The host's latency extension: DPF 1.6 calls it without checking that the host has one.
std::atomic<int> g_latency_changes{0};
void latency_changed(const clap_host_t*) { g_latency_changes.fetch_add(1); }
const clap_host_latency_t kHostLatency{&latency_changed};
const void* host_extension(const clap_host_t*, const char* id) {
  if (std::strcmp(id, CLAP_EXT_LATENCY) == 0) return &kHostLatency;
  return nullptr;
}
void host_nothing(const clap_host_t*) {}

// The events of one block: MIDI and parameter changes, in time order as given.
struct EventList {
  std::vector<clap_event_midi_t> midi;
  std::vector<clap_event_param_value_t> params;
  std::vector<const clap_event_header_t*> order;
  static uint32_t size(const clap_input_events_t* l) {
    return static_cast<uint32_t>(static_cast<const EventList*>(l->ctx)->order.size());
  }
  static const clap_event_header_t* get(const clap_input_events_t* l, uint32_t i) {
    return static_cast<const EventList*>(l->ctx)->order[i];
  }
};
bool push_nothing(const clap_output_events_t*, const clap_event_header_t*) { return true; }

struct Buffer {
  std::string bytes;
  std::size_t read = 0;
  static int64_t write(const clap_ostream_t* s, const void* data, uint64_t n) {
    static_cast<Buffer*>(s->ctx)->bytes.append(static_cast<const char*>(data), n);
    return static_cast<int64_t>(n);
  }
  static int64_t read_fn(const clap_istream_t* s, void* data, uint64_t n) {
    auto* b = static_cast<Buffer*>(s->ctx);
    const uint64_t k = std::min<uint64_t>(n, b->bytes.size() - b->read);
    std::memcpy(data, b->bytes.data() + b->read, k);
    b->read += k;
    return static_cast<int64_t>(k);
  }
};
}  // namespace

struct ClapHost::Impl {
  void* module = nullptr;
  const clap_plugin_entry_t* entry = nullptr;
  const clap_plugin_t* plugin = nullptr;
  clap_host_t host{};
  bool active = false, processing = false;
  int64_t steady = 0;
  std::vector<float> scratch_l, scratch_r;
  EventList events;

  template <typename T>
  const T* ext(const char* id) {
    const T* e = static_cast<const T*>(plugin->get_extension(plugin, id));
    if (!e) fail(std::string("the plugin lacks the extension ") + id);
    return e;
  }
};

ClapHost::ClapHost(const std::filesystem::path& module) : impl_(new Impl) {
  Impl& m = *impl_;
  try {
    m.module = dlopen(module.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!m.module) fail(std::string("dlopen: ") + dlerror());
    m.entry = static_cast<const clap_plugin_entry_t*>(dlsym(m.module, "clap_entry"));
    if (!m.entry) fail(module.string() + " has no clap_entry");
    if (!clap_version_is_compatible(m.entry->clap_version)) fail("incompatible CLAP version");
    if (!m.entry->init(module.c_str())) fail("clap_entry.init failed");
    const auto* factory = static_cast<const clap_plugin_factory_t*>(m.entry->get_factory(CLAP_PLUGIN_FACTORY_ID));
    if (!factory || factory->get_plugin_count(factory) < 1) fail("no plugin factory or no plugin");
    const clap_plugin_descriptor_t* desc = factory->get_plugin_descriptor(factory, 0);
    m.host.clap_version = CLAP_VERSION;
    m.host.host_data = this;
    m.host.name = "ngsynth-test-host";
    m.host.vendor = "ngsynth";
    m.host.url = "";
    m.host.version = "0.1";
    m.host.get_extension = host_extension;
    m.host.request_restart = host_nothing;
    m.host.request_process = host_nothing;
    m.host.request_callback = host_nothing;
    m.plugin = factory->create_plugin(factory, &m.host, desc->id);
    if (!m.plugin) fail("create_plugin failed");
    if (!m.plugin->init(m.plugin)) fail("plugin init failed");
  } catch (...) {
    this->~ClapHost();
    throw;
  }
}

ClapHost::~ClapHost() {
  if (!impl_) return;
  Impl& m = *impl_;
  if (m.plugin) {
    deactivate();
    m.plugin->destroy(m.plugin);
  }
  if (m.entry) m.entry->deinit();
  if (m.module) dlclose(m.module);
  delete impl_;
  impl_ = nullptr;
}

std::string ClapHost::plugin_id() const { return impl_->plugin->desc->id; }

std::vector<std::string> ClapHost::features() const {
  std::vector<std::string> out;
  for (const char* const* f = impl_->plugin->desc->features; f && *f; ++f) out.emplace_back(*f);
  return out;
}

std::string ClapHost::save_state() {
  Buffer b;
  clap_ostream_t s{&b, &Buffer::write};
  if (!impl_->ext<clap_plugin_state_t>(CLAP_EXT_STATE)->save(impl_->plugin, &s)) fail("state save failed");
  return b.bytes;
}

void ClapHost::load_state(const std::string& bytes) {
  Buffer b{bytes, 0};
  clap_istream_t s{&b, &Buffer::read_fn};
  if (!impl_->ext<clap_plugin_state_t>(CLAP_EXT_STATE)->load(impl_->plugin, &s)) fail("state load failed");
}

std::string ClapHost::dpf_state(const std::string& key, const std::string& value) {
  // DPF writes keys and values as NUL-terminated strings between two markers.
  const std::string nul(1, '\0');
  return "__dpf_state_begin__" + nul + key + nul + value + nul + "__dpf_state_end__" + nul;
}

int ClapHost::param_count() {
  return static_cast<int>(impl_->ext<clap_plugin_params_t>(CLAP_EXT_PARAMS)->count(impl_->plugin));
}

std::string ClapHost::param_name(int index) {
  clap_param_info_t info{};
  if (!impl_->ext<clap_plugin_params_t>(CLAP_EXT_PARAMS)->get_info(impl_->plugin, static_cast<uint32_t>(index), &info))
    fail("param get_info failed");
  return info.name;
}

uint32_t ClapHost::param_id(int index) {
  clap_param_info_t info{};
  if (!impl_->ext<clap_plugin_params_t>(CLAP_EXT_PARAMS)->get_info(impl_->plugin, static_cast<uint32_t>(index), &info))
    fail("param get_info failed");
  return info.id;
}

double ClapHost::param_value(uint32_t id) {
  double v = 0;
  if (!impl_->ext<clap_plugin_params_t>(CLAP_EXT_PARAMS)->get_value(impl_->plugin, id, &v)) fail("param get_value failed");
  return v;
}

int ClapHost::latency_changes() { return g_latency_changes.load(); }

uint32_t ClapHost::latency() { return impl_->ext<clap_plugin_latency_t>(CLAP_EXT_LATENCY)->get(impl_->plugin); }

uint32_t ClapHost::audio_output_channels() {
  const auto* ports = impl_->ext<clap_plugin_audio_ports_t>(CLAP_EXT_AUDIO_PORTS);
  uint32_t channels = 0;
  for (uint32_t i = 0; i < ports->count(impl_->plugin, false); ++i) {
    clap_audio_port_info_t info{};
    if (ports->get(impl_->plugin, i, false, &info)) channels += info.channel_count;
  }
  return channels;
}

void ClapHost::activate(double rate, uint32_t max_block) {
  Impl& m = *impl_;
  if (!m.plugin->activate(m.plugin, rate, 1, max_block)) fail("activate failed");
  m.active = true;
  if (!m.plugin->start_processing(m.plugin)) fail("start_processing failed");
  m.processing = true;
  m.scratch_l.assign(max_block, 0.0f);
  m.scratch_r.assign(max_block, 0.0f);
  m.events.midi.reserve(1024);
  m.events.params.reserve(1024);
  m.events.order.reserve(2048);
}

void ClapHost::deactivate() {
  Impl& m = *impl_;
  if (m.processing) m.plugin->stop_processing(m.plugin);
  if (m.active) m.plugin->deactivate(m.plugin);
  m.processing = m.active = false;
}

bool ClapHost::process(uint32_t frames, const std::vector<HostMidi>& midi, const std::vector<HostParam>& params,
                       std::vector<float>& left, std::vector<float>& right) {
  Impl& m = *impl_;
  // The event list holds what was reserved in activate(): no allocation here for up to
  // 1024 events of each kind, so the plugin's process() can be measured alone.
  m.events.midi.clear();
  m.events.params.clear();
  m.events.order.clear();
  for (const HostMidi& e : midi) {
    clap_event_midi_t ev{};
    ev.header = {sizeof(clap_event_midi_t), e.frame, CLAP_CORE_EVENT_SPACE_ID, CLAP_EVENT_MIDI, 0};
    ev.port_index = 0;
    ev.data[0] = e.status, ev.data[1] = e.data1, ev.data[2] = e.data2;
    m.events.midi.push_back(ev);
  }
  for (const HostParam& p : params) {
    clap_event_param_value_t ev{};
    ev.header = {sizeof(clap_event_param_value_t), p.frame, CLAP_CORE_EVENT_SPACE_ID, CLAP_EVENT_PARAM_VALUE, 0};
    ev.param_id = p.id;
    ev.note_id = -1, ev.port_index = -1, ev.channel = -1, ev.key = -1;
    ev.value = p.value;
    m.events.params.push_back(ev);
  }
  // Time order, parameters first at equal times.
  std::size_t i = 0, j = 0;
  while (i < m.events.midi.size() || j < m.events.params.size()) {
    const bool take_param = j < m.events.params.size() &&
                            (i == m.events.midi.size() || m.events.params[j].header.time <= m.events.midi[i].header.time);
    m.events.order.push_back(take_param ? &m.events.params[j++].header : &m.events.midi[i++].header);
  }
  clap_input_events_t in{&m.events, &EventList::size, &EventList::get};
  clap_output_events_t out{nullptr, &push_nothing};
  float* channels[2] = {left.data(), right.data()};
  clap_audio_buffer_t buffer{};
  buffer.data32 = channels;
  buffer.channel_count = 2;
  clap_process_t p{};
  p.steady_time = m.steady;
  p.frames_count = frames;
  p.audio_outputs = &buffer;
  p.audio_outputs_count = 1;
  p.in_events = &in;
  p.out_events = &out;
  m.steady += frames;
  return m.plugin->process(m.plugin, &p) != CLAP_PROCESS_ERROR;
}

}  // namespace ngsynth::test
