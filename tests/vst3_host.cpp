#include "vst3_host.h"

#include <dlfcn.h>

#include <cstring>
#include <stdexcept>

#include "travesty/audio_processor.h"
#include "travesty/component.h"
#include "travesty/events.h"
#include "travesty/factory.h"

namespace ngsynth::test {

namespace {
[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("vst3 host: " + what); }

// An IEventList: an object whose first member points to its function table.
struct EventList {
  const v3_event_list_cpp* vtable;
  std::vector<v3_event> events;

  static v3_result V3_API query(void* self, const v3_tuid iid, void** obj) {
    if (v3_tuid_match(iid, v3_funknown_iid) || v3_tuid_match(iid, v3_event_list_iid)) {
      *obj = self;
      return V3_OK;
    }
    *obj = nullptr;
    return V3_NO_INTERFACE;
  }
  static uint32_t V3_API ref(void*) { return 1; }
  static uint32_t V3_API unref(void*) { return 1; }
  static uint32_t V3_API count(void* self) { return static_cast<uint32_t>(static_cast<EventList*>(self)->events.size()); }
  static v3_result V3_API get(void* self, int32_t i, v3_event* out) {
    auto* l = static_cast<EventList*>(self);
    if (i < 0 || i >= static_cast<int32_t>(l->events.size())) return V3_INVALID_ARG;
    *out = l->events[static_cast<std::size_t>(i)];
    return V3_OK;
  }
  static v3_result V3_API add(void*, v3_event*) { return V3_NOT_IMPLEMENTED; }
};
const v3_event_list_cpp kEventListVtable = [] {
  v3_event_list_cpp v{};
  v.query_interface = &EventList::query;
  v.ref = &EventList::ref;
  v.unref = &EventList::unref;
  v.list.get_event_count = &EventList::count;
  v.list.get_event = &EventList::get;
  v.list.add_event = &EventList::add;
  return v;
}();
// An empty IParameterChanges for the plugin's output parameters (DPF asserts without one).
struct ParamChanges {
  const v3_param_changes_cpp* vtable;
  static v3_result V3_API query(void* self, const v3_tuid iid, void** obj) {
    if (v3_tuid_match(iid, v3_funknown_iid) || v3_tuid_match(iid, v3_param_changes_iid)) {
      *obj = self;
      return V3_OK;
    }
    *obj = nullptr;
    return V3_NO_INTERFACE;
  }
  static uint32_t V3_API ref(void*) { return 1; }
  static int32_t V3_API count(void*) { return 0; }
  static v3_param_value_queue** V3_API get(void*, int32_t) { return nullptr; }
  static v3_param_value_queue** V3_API add(void*, v3_param_id*, int32_t* index) {
    if (index) *index = -1;
    return nullptr;
  }
};
const v3_param_changes_cpp kParamChangesVtable = [] {
  v3_param_changes_cpp v{};
  v.query_interface = &ParamChanges::query;
  v.ref = &ParamChanges::ref;
  v.unref = &ParamChanges::ref;
  v.changes.get_param_count = &ParamChanges::count;
  v.changes.get_param_data = &ParamChanges::get;
  v.changes.add_param_data = &ParamChanges::add;
  return v;
}();
}  // namespace

struct Vst3Host::Impl {
  void* module = nullptr;
  v3_plugin_factory_cpp** factory = nullptr;
  v3_component_cpp** component = nullptr;
  v3_audio_processor_cpp** processor = nullptr;
  bool initialized = false, active = false, processing = false;
  EventList events{&kEventListVtable, {}};
  ParamChanges out_params{&kParamChangesVtable};
};

Vst3Host::Vst3Host(const std::filesystem::path& module, double rate, int32_t max_block) : impl_(new Impl) {
  Impl& m = *impl_;
  try {
    m.module = dlopen(module.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!m.module) fail(std::string("dlopen: ") + dlerror());
    auto entry = reinterpret_cast<bool (*)(void*)>(dlsym(m.module, "ModuleEntry"));
    auto get_factory = reinterpret_cast<const void* (*)()>(dlsym(m.module, "GetPluginFactory"));
    if (!entry || !get_factory) fail("no ModuleEntry or GetPluginFactory");
    if (!entry(m.module)) fail("ModuleEntry failed");
    m.factory = static_cast<v3_plugin_factory_cpp**>(const_cast<void*>(get_factory()));
    if (!m.factory) fail("no factory");
    v3_class_info info{};
    int32_t found = -1;
    for (int32_t i = 0; i < (*m.factory)->v1.num_classes(m.factory); ++i) {
      if ((*m.factory)->v1.get_class_info(m.factory, i, &info) == V3_OK &&
          std::strcmp(info.category, "Audio Module Class") == 0) {
        found = i;
        break;
      }
    }
    if (found < 0) fail("no audio module class");
    name_ = info.name;
    category_ = info.category;
    v3_class_info_2 info2{};
    if ((*m.factory)->v2.get_class_info_2(m.factory, found, &info2) == V3_OK) category_ = info2.sub_categories;
    if ((*m.factory)->v1.create_instance(m.factory, info.class_id, v3_component_iid,
                                         reinterpret_cast<void**>(&m.component)) != V3_OK || !m.component)
      fail("create_instance(component) failed");
    if ((*m.component)->base.initialize(m.component, nullptr) != V3_OK) fail("initialize failed");
    m.initialized = true;
    if ((*m.component)->query_interface(m.component, v3_audio_processor_iid,
                                        reinterpret_cast<void**>(&m.processor)) != V3_OK || !m.processor)
      fail("no audio processor");
    for (int32_t dir : {V3_INPUT, V3_OUTPUT})
      for (int32_t type : {V3_AUDIO, V3_EVENT})
        for (int32_t b = 0; b < (*m.component)->comp.get_bus_count(m.component, type, dir); ++b)
          (*m.component)->comp.activate_bus(m.component, type, dir, b, 1);
    v3_process_setup setup{V3_REALTIME, V3_SAMPLE_32, max_block, rate};
    if ((*m.processor)->proc.setup_processing(m.processor, &setup) != V3_OK) fail("setup_processing failed");
    if ((*m.component)->comp.set_active(m.component, 1) != V3_OK) fail("set_active failed");
    m.active = true;
    if ((*m.processor)->proc.set_processing(m.processor, 1) != V3_OK) fail("set_processing failed");
    m.processing = true;
    m.events.events.reserve(1024);
  } catch (...) {
    this->~Vst3Host();
    throw;
  }
}

Vst3Host::~Vst3Host() {
  if (!impl_) return;
  Impl& m = *impl_;
  if (m.processing) (*m.processor)->proc.set_processing(m.processor, 0);
  if (m.active) (*m.component)->comp.set_active(m.component, 0);
  if (m.processor) (*m.processor)->unref(m.processor);
  if (m.initialized) (*m.component)->base.terminate(m.component);
  if (m.component) (*m.component)->unref(m.component);
  if (m.module) {
    if (auto exit_fn = reinterpret_cast<bool (*)()>(dlsym(m.module, "ModuleExit"))) exit_fn();
    dlclose(m.module);
  }
  delete impl_;
  impl_ = nullptr;
}

uint32_t Vst3Host::latency() { return (*impl_->processor)->proc.get_latency_samples(impl_->processor); }

bool Vst3Host::process(int32_t frames, const std::vector<Vst3Note>& notes, std::vector<float>& left,
                       std::vector<float>& right) {
  Impl& m = *impl_;
  m.events.events.clear();
  for (const Vst3Note& n : notes) {
    v3_event e{};
    e.bus_index = 0;
    e.sample_offset = n.frame;
    e.type = V3_EVENT_NOTE_ON;
    e.note_on.channel = 9;
    e.note_on.pitch = n.pitch;
    e.note_on.velocity = n.velocity;
    e.note_on.note_id = -1;
    m.events.events.push_back(e);
  }
  float* channels[2] = {left.data(), right.data()};
  v3_audio_bus_buffers out{};
  out.num_channels = 2;
  out.channel_buffers_32 = channels;
  EventList* list = &m.events;
  v3_process_data d{};
  d.process_mode = V3_REALTIME;
  d.symbolic_sample_size = V3_SAMPLE_32;
  d.nframes = frames;
  d.num_output_buses = 1;
  d.outputs = &out;
  d.input_events = reinterpret_cast<v3_event_list**>(list);
  d.output_params = reinterpret_cast<v3_param_changes**>(&m.out_params);
  return (*m.processor)->proc.process(m.processor, &d) == V3_OK;
}

}  // namespace ngsynth::test
