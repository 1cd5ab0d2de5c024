// A minimal CLAP host for the plugin tests, over the official CLAP headers that ship in
// DPF's sources: loads a .clap module, creates its first plugin, loads a state, reads the
// parameters and the latency, activates it, and runs blocks with MIDI notes and parameter
// changes, returning the stereo output. Single-threaded: the main and audio thread of the
// plugin are the test's thread (CLAP allows the host to use one thread for both).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ngsynth::test {

struct HostMidi {
  uint32_t frame = 0;  // within the block
  uint8_t status = 0x99, data1 = 36, data2 = 127;
};
struct HostParam {
  uint32_t frame = 0;
  uint32_t id = 0;
  double value = 0;
};

class ClapHost {
 public:
  // Error (std::runtime_error) naming what failed.
  explicit ClapHost(const std::filesystem::path& module);
  ~ClapHost();
  ClapHost(const ClapHost&) = delete;
  ClapHost& operator=(const ClapHost&) = delete;

  std::string plugin_id() const;
  std::vector<std::string> features() const;
  // The plugin's saved state (DPF's format: NUL-terminated keys and values) and a state to load.
  std::string save_state();
  void load_state(const std::string& bytes);
  // DPF's state format with one key set (the others keep their values).
  static std::string dpf_state(const std::string& key, const std::string& value);

  int param_count();
  std::string param_name(int index);
  uint32_t param_id(int index);
  double param_value(uint32_t id);
  uint32_t latency();
  static int latency_changes();  // clap_host_latency.changed calls, all plugins
  uint32_t audio_output_channels();

  void activate(double rate, uint32_t max_block);
  void deactivate();
  // One block of `frames` frames; returns false when the plugin reports an error.
  bool process(uint32_t frames, const std::vector<HostMidi>& midi, const std::vector<HostParam>& params,
               std::vector<float>& left, std::vector<float>& right);

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace ngsynth::test
