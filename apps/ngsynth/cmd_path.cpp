// ngsynth path: free synthesis along a trajectory in the grain latent space.
#include <cmath>
#include <cstdio>
#include <regex>

#include "cli_common.h"
#include "commands.h"
#include "ngsynth/synth/latent_path.h"
#include "ngsynth/synth/render.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"

namespace ngsynth::cli {
namespace {

struct PathArgs : RenderArgs {
  std::string from, to, file, loop, class_name, output;
  std::optional<double> seconds;
  double pass_seconds = 0.5, temperature = 1.0;
  bool random_step = false;
};

// An end point: "X,Y" on the latent map, a sound file (its loudest grain), or, when
// empty, a random point of the training latents' distribution.
torch::Tensor end_point(const PathArgs& a, Model& m, const std::string& spec, double temperature,
                        uint64_t seed) {
  static const std::regex xy(R"(\s*([-+0-9.eE]+)\s*,\s*([-+0-9.eE]+)\s*)");
  std::smatch match;
  if (spec.empty()) return random_point(m.require_map(), temperature, seed);
  if (std::regex_match(spec, match, xy) && !std::filesystem::exists(spec)) {
    try {
      return map_point(m.require_map(), std::stof(match[1]), std::stof(match[2]));
    } catch (const std::logic_error&) {
      throw Error("'" + spec + "' is neither a sound file nor an X,Y point of the map");
    }
  }
  return sound_point(m.vae, read_sound(a, spec, m.info.grain.sample_rate));
}

}  // namespace

Run add_path(CLI::App& app) {
  auto a = std::make_shared<PathArgs>();
  app.footer(
      "Free synthesis: every point of the grain latent space is a playable grain, so any path\n"
      "through it is a sound. End points (--from, --to) are sound files (their loudest\n"
      "grain), X,Y points of the latent map (`ngsynth map` draws it), or, when left out,\n"
      "random points of the training grains' distribution. The path is a straight line,\n"
      "or with --loop forward-backward it swings between the two points, one pass every\n"
      "--pass-seconds, at an irregular speed with --random-step. --file reads keyframes\n"
      "(JSON or CSV; each point z_dim numbers or an X,Y map point): without --seconds each\n"
      "keyframe is one grain hop, with --seconds they are spread over the duration.\n"
      "Examples:\n"
      "  ngsynth path --model drums.ngs --from kick.wav --to hat.wav --seconds 3 -o sweep.wav\n"
      "  ngsynth path --model drums.ngs --from=-2,0 --to=2,1 --loop forward-backward \\\n"
      "      --random-step --seconds 8 -o loop.wav\n"
      "  ngsynth path --model drums.ngs --file path.csv -o path.wav");
  add_render_options(app, *a);
  app.add_option("--from", a->from, "Start: sound file or X,Y map point (default: random)");
  app.add_option("--to", a->to, "End: sound file or X,Y map point (default: random)");
  app.add_option("--file", a->file, "Keyframes from a JSON or CSV file")
      ->excludes(app.get_option("--from"))->excludes(app.get_option("--to"));
  app.add_option("--seconds", a->seconds, "Duration (default 2 s; with --file one hop per point)")
      ->check(CLI::Range(0.001, 1e6));
  app.add_option("--loop", a->loop, "forward-backward: swing between the end points")
      ->check(CLI::IsMember({"forward-backward"}))->excludes(app.get_option("--file"));
  app.add_option("--pass-seconds", a->pass_seconds, "Duration of one pass of a loop")
      ->check(CLI::Range(0.001, 3600.0));
  app.add_flag("--random-step", a->random_step, "Randomise the loop's step size per grain");
  app.add_option("-t,--temperature", a->temperature, "Spread of random end points")
      ->check(CLI::Range(0.0, 10.0));
  app.add_option("--class", a->class_name, "Class to decode with (default: the first)");
  app.add_option("-o,--output", a->output, "WAV file to write")->required();
  return [a] {
    if (a->random_step && a->loop.empty()) throw Error("--random-step needs --loop");
    Model m = open_model(*a);
    const GrainOptions& g = m.info.grain;
    const GrainFraming& framing = m.vae->framing();
    const int label = pick_class(m, a->class_name, nullptr, a->seed);
    torch::Tensor path;
    int64_t length;
    std::string what;
    if (!a->file.empty()) {
      const PathFile file = read_path_file(a->file, g.z_dim);
      torch::Tensor keys = path_keyframes(file, m.info.map, g.z_dim, a->file);
      length = a->seconds ? std::llround(*a->seconds * g.sample_rate)
                          : framing.length_for(keys.size(0));
      check_output_length(*a, length, g.sample_rate,
                          a->file + " (" + std::to_string(keys.size(0)) + " keyframes)");
      path = keyframe_path(keys, framing.grains_for(length));
      what = std::to_string(keys.size(0)) + " keyframes";
    } else {
      length = std::llround(a->seconds.value_or(2.0) * g.sample_rate);
      check_output_length(*a, length, g.sample_rate, "path");
      torch::Tensor from = end_point(*a, m, a->from, a->temperature, mix_seed(a->seed, 1));
      torch::Tensor to = end_point(*a, m, a->to, a->temperature, mix_seed(a->seed, 2));
      const int64_t n = framing.grains_for(length);
      if (a->loop.empty()) {
        path = keyframe_path(torch::stack({from, to}), n);
        what = "straight line";
      } else {
        const double pass = a->pass_seconds * g.sample_rate / g.hop;
        path = loop_path(from, to, n, pass, a->random_step, mix_seed(a->seed, 3));
        what = std::string("forward-backward loop") + (a->random_step ? ", random steps" : "");
      }
    }
    std::vector<float> y = render_latents(m.vae, path, class_label(label), a->seed, length);
    if (!m.info.classes.empty()) what += ", class " + m.info.classes[label];
    write_sound(a->output, y, m, a->format, what);
    return 0;
  };
}

}  // namespace ngsynth::cli
