// ngsynth kit: a new Hydrogen drumkit (and an SFZ file of the same samples) sampled from a
// model. The work is torch-free (kit/kit_sampler.h, kit/kit_writer.h); this file only reads
// the options and the model.
#include <cstdio>

#include "cli_common.h"
#include "commands.h"
#include "ngsynth/kit/kit_sampler.h"
#include "ngsynth/kit/kit_writer.h"
#include "ngsynth/runtime/instrument.h"
#include "ngsynth/util/error.h"

namespace ngsynth::cli {

Run add_kit(CLI::App& app) {
  struct Args {
    RenderArgs render;  // model, seed, prior (its --format is the kit's own, below)
    std::string output, name, author = "ngsynth", license, format = "wav", bits = "24";
    int layers = 3, variations = 1;
    double temperature = 1.0;
    std::vector<std::string> classes;
  };
  auto a = std::make_shared<Args>();
  app.footer(
      "Sample a new drum kit from a model: per class one instrument with --layers velocity\n"
      "layers (and --variations round-robin hits per layer), every hit a new event of the\n"
      "class drawn with its own seed from --seed. Writes into the folder -o: the samples\n"
      "(WAV or FLAC), drumkit.xml (Hydrogen 1.2) and NAME.sfz (any SFZ sampler), all or\n"
      "nothing; -o must not exist or be empty. Hits are ordered softest first and brought to\n"
      "the class's median peak (players scale by velocity themselves).\n"
      "Load it in Hydrogen: copy the folder to ~/.hydrogen/data/drumkits/ (its name = the\n"
      "kit's --name), or import it with the Sound Library; in an SFZ player open NAME.sfz.\n"
      "Example: ngsynth kit --model drums.ngs -o ~/.hydrogen/data/drumkits/ngsynth1 --name ngsynth1");
  app.add_option("--model", a->render.model, "Model file (.ngs)")->required();
  app.add_option("-o,--output", a->output, "Kit folder to write (absent or empty)")->required();
  app.add_option("--name", a->name, "Kit name (default: the folder's name)");
  app.add_option("--author", a->author, "Author field of drumkit.xml")->capture_default_str();
  app.add_option("--license", a->license, "Licence field of drumkit.xml (the model's sounds' terms)");
  app.add_option("--layers", a->layers, "Velocity layers per class")
      ->check(CLI::Range(1, 127))->capture_default_str();
  app.add_option("--variations", a->variations, "Round-robin hits per velocity layer")
      ->check(CLI::Range(1, 64))->capture_default_str();
  app.add_option("--seed", a->render.seed, "Seed of every hit (same seed, same kit)")
      ->capture_default_str();
  app.add_option("-t,--temperature", a->temperature,
                 "Spread of the hits around their class (as a drum-machine track's)")
      ->check(CLI::Range(0.001, 10.0))->capture_default_str();
  app.add_option("--class", a->classes, "Only these classes (repeatable; default: all)");
  app.add_option("--format", a->format, "Sample files: wav or flac")
      ->check(CLI::IsMember({"wav", "flac"}))->capture_default_str();
  app.add_option("--bits", a->bits, "Sample depth: 16 or 24 (or float, WAV only)")
      ->check(CLI::IsMember({"16", "24", "float"}))->capture_default_str();
  add_prior_option(app, a->render.prior);
  return [a] {
    const auto m = open_runtime_model(a->render);  // the synthesis runtime: no LibTorch
    rt::Instrument instrument(m);
    kit::KitSampling s;
    s.layers = a->layers;
    s.variations = a->variations;
    s.seed = a->render.seed;
    s.temperature = static_cast<float>(a->temperature);
    s.classes = a->classes;
    kit::KitDescription k = kit::sample_kit(instrument, s);
    std::filesystem::path folder = std::filesystem::path(a->output).lexically_normal();
    if (folder.filename().empty()) folder = folder.parent_path();
    k.name = a->name.empty() ? folder.filename().string() : a->name;
    k.author = a->author;
    k.license = a->license.empty() ? "as the sounds the model " + a->render.model + " was trained on"
                                   : a->license;
    k.format = a->format;
    k.sample_format = a->bits == "16" ? "pcm16" : a->bits == "24" ? "pcm24" : "float";
    const kit::KitDescription written = kit::write_kit(folder, std::move(k));
    std::size_t files = 0;
    for (const auto& i : written.instruments) files += i.layers.size();
    std::printf("%s: kit '%s', %zu instruments, %zu %s samples at %d Hz, drumkit.xml, %s\n",
                folder.string().c_str(), written.name.c_str(), written.instruments.size(), files,
                written.format.c_str(), written.sample_rate, kit::sfz_file_name(written).c_str());
    return 0;
  };
}

}  // namespace ngsynth::cli
