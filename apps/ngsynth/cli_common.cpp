#include "cli_common.h"

#include <csignal>
#include <cstdio>

#include "ngsynth/audio/audio_file.h"
#include "ngsynth/audio/resample.h"
#include "ngsynth/model/device.h"
#include "ngsynth/model/runtime_weights.h"
#include "ngsynth/synth/render.h"
#include "ngsynth/util/error.h"

namespace ngsynth::cli {

namespace {
std::string& command_line_text() {
  static std::string text;
  return text;
}
}  // namespace

void set_command_line(int argc, char** argv) {
  std::string& out = command_line_text();
  out.clear();
  for (int i = 0; i < argc; ++i) {
    std::string arg = i == 0 ? std::string("ngsynth") : std::string(argv[i]);
    const bool plain = !arg.empty() && arg.find_first_not_of(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./=:,+@%") == std::string::npos;
    if (!plain) {
      std::string quoted = "'";
      for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
      arg = quoted + "'";
    }
    out += (i ? " " : "") + arg;
  }
}

const std::string& command_line() { return command_line_text(); }

namespace {
constexpr double kLongWorkSeconds = 60.0;  // longer sounds get a line saying so
}  // namespace

void add_render_options(CLI::App& app, RenderArgs& a) {
  app.add_option("--model", a.model, "Model file (.ngs)")->required();
  app.add_option("--seed", a.seed, "Seed of everything random (same seed, same output)");
  app.add_option("--format", a.format, "WAV sample format")->check(CLI::IsMember(wav_formats()));
  app.add_option("--device", a.device, "cpu, or cuda on a CUDA build");
  app.add_option("--max-seconds", a.max_seconds,
                 "Longest sound read or made, in seconds (a guard against runaway work; "
                 "raise it for longer sounds)")
      ->check(CLI::Range(0.001, 1e6))
      ->capture_default_str();
}

void add_prior_option(CLI::App& app, std::string& prior) {
  app.add_option("--prior", prior,
                 "Where event embeddings are drawn: gaussian (per class, fitted to the training "
                 "events), mixture (around one training event of the class) or standard "
                 "(N(0, I)); default: the model's")
      ->check(CLI::IsMember(prior_names()));
}

void use_prior(Model& m, const std::string& name) {
  if (name.empty()) return;
  m.info.prior.select(parse_prior(name));
}

Model open_model(const RenderArgs& a) {
  Model m = load_model(a.model, parse_device(a.device));
  use_prior(m, a.prior);
  return m;
}

std::shared_ptr<const rt::Model> open_runtime_model(const RenderArgs& a) {
  std::optional<PriorKind> prior;
  if (!a.prior.empty()) prior = parse_prior(a.prior);
  try {
    return rt::load_model(a.model, rt::Precision::single, prior);
  } catch (const rt::NoRuntimeWeights&) {
    Model m = load_model(a.model);
    use_prior(m, a.prior);
    return runtime_model(m);
  }
}

std::vector<float> read_sound(const RenderArgs& a, const std::string& path, int rate) {
  Audio in;
  try {
    in = read_audio(path, a.max_seconds);
  } catch (const AudioFileError& e) {
    if (e.problem() != AudioProblem::too_long) throw;
    throw Error(std::string(e.what()) + " (--max-seconds raises it)");
  }
  if (in.samples.empty()) fail_file(path, "holds no samples");
  const double seconds = static_cast<double>(in.samples.size()) / in.sample_rate;
  if (seconds > kLongWorkSeconds)
    std::fprintf(stderr, "ngsynth: %s: %.1f s of audio, this takes a while\n", path.c_str(), seconds);
  return resample(in.samples, in.sample_rate, rate);
}

void check_output_length(const RenderArgs& a, int64_t samples, int rate, const std::string& what) {
  const double seconds = static_cast<double>(samples) / rate;
  if (seconds > a.max_seconds) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "would make %.1f s of audio, more than --max-seconds %g",
                  seconds, a.max_seconds);
    throw Error(what + ": " + buf + " (raise it to make longer sounds)");
  }
  if (seconds > kLongWorkSeconds)
    std::fprintf(stderr, "ngsynth: %s: rendering %.1f s of audio, this takes a while\n",
                 what.c_str(), seconds);
}

int pick_class(Model& m, const std::string& name, const std::vector<float>* audio,
               uint64_t seed) {
  if (!name.empty()) return class_index(m.info.classes, name);
  return audio ? closest_class(m.vae, *audio, seed) : 0;
}

void write_sound(const std::filesystem::path& path, const std::vector<float>& audio,
                 const Model& m, const std::string& format, const std::string& what) {
  write_sound(path, audio, m.info.grain.sample_rate, format, what);
}

void write_sound(const std::filesystem::path& path, const std::vector<float>& audio, int rate,
                 const std::string& format, const std::string& what) {
  write_wav(path, audio, rate, format);
  std::printf("%s: %.3f s at %d Hz, %s\n", path.c_str(), double(audio.size()) / rate, rate,
              what.c_str());
}

namespace {
std::atomic<bool> g_interrupted{false};
void on_interrupt(int) { g_interrupted = true; }
}  // namespace

const std::atomic<bool>& catch_interrupts() {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  return g_interrupted;
}

std::filesystem::path output_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) fail_file(dir, "cannot create the folder");
  return dir;
}

}  // namespace ngsynth::cli
