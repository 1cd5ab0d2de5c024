// A minimal VST3 host for the plugin tests, over the C ABI headers DPF ships (travesty,
// in DPF's sources; no Steinberg SDK): loads a .vst3 module (ModuleEntry,
// GetPluginFactory), creates the first audio module class's component, initialises it
// without a host context, activates its buses, sets up 32-bit real-time processing and
// runs blocks with note-on events into a stereo output. No edit controller, parameters or
// state: the model comes from NGSYNTH_DRUMS_MODEL, read by the plugin when it starts.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ngsynth::test {

struct Vst3Note {
  int32_t frame = 0;  // within the block
  int16_t pitch = 36;
  float velocity = 1.0f;
};

class Vst3Host {
 public:
  // std::runtime_error naming the step that failed.
  Vst3Host(const std::filesystem::path& module, double rate, int32_t max_block);
  ~Vst3Host();
  Vst3Host(const Vst3Host&) = delete;
  Vst3Host& operator=(const Vst3Host&) = delete;

  std::string class_name() const { return name_; }
  std::string category() const { return category_; }
  uint32_t latency();
  bool process(int32_t frames, const std::vector<Vst3Note>& notes, std::vector<float>& left,
               std::vector<float>& right);

 private:
  struct Impl;
  Impl* impl_;
  std::string name_, category_;
};

}  // namespace ngsynth::test
