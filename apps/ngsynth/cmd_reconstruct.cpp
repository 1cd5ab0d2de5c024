// ngsynth reconstruct: auto-encodes a sound file with a model.
#include <cstdio>

#include "commands.h"
#include "ngsynth/audio/audio_file.h"
#include "ngsynth/audio/resample.h"
#include "ngsynth/model/device.h"
#include "ngsynth/model/model_file.h"
#include "ngsynth/synth/autoencode.h"

namespace ngsynth::cli {

Run add_reconstruct(CLI::App& app) {
  struct Args {
    std::string model, input, output, class_name, format = "pcm16", device = "cpu";
    uint64_t seed = 1;
  };
  auto a = std::make_shared<Args>();
  app.footer(
      "Auto-encode a sound of any length and sample rate: resampled to the model's rate,\n"
      "encoded grain by grain, decoded, written as WAV at the model's rate. A class-\n"
      "conditional model uses --class, or else the class whose decoding is closest.");
  app.add_option("--model", a->model, "Model file (.ngs)")->required();
  app.add_option("input", a->input, "Sound file (wav, flac, aiff, ogg)")->required();
  app.add_option("-o,--output", a->output, "WAV file to write")->required();
  app.add_option("--class", a->class_name, "Class label to decode with");
  app.add_option("--seed", a->seed, "Noise seed (same seed, same output)");
  app.add_option("--format", a->format, "Sample format")->check(CLI::IsMember(wav_formats()));
  app.add_option("--device", a->device, "cpu, or cuda on a CUDA build");
  return [a] {
    const torch::Device device = parse_device(a->device);
    LoadedModel m = load_model(a->model, device);
    const int rate = m.info.grain.sample_rate;
    Audio in = read_audio(a->input);
    std::vector<float> x = resample(in.samples, in.sample_rate, rate);
    std::optional<int> label;
    if (!a->class_name.empty()) label = class_index(m.info.classes, a->class_name);
    AutoencodeResult r = autoencode(m.vae, x, label, a->seed, device);
    write_wav(a->output, r.audio, rate, a->format);
    std::printf("%s: %.3f s at %d Hz%s\n", a->output.c_str(), double(r.audio.size()) / rate, rate,
                r.label >= 0 ? (", class " + m.info.classes[r.label]).c_str() : "");
    return 0;
  };
}

}  // namespace ngsynth::cli
