// ngsynth prepare: imports sound folders and Hydrogen drumkits into one dataset file plus
// a JSON manifest that accounts for every file found (accepted, or rejected and why).
#include <array>
#include <cstdio>
#include <map>
#include <memory>

#include "commands.h"
#include "ngsynth/data/prepare.h"
#include "ngsynth/spec/options.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/progress.h"

namespace ngsynth::cli {
namespace {
namespace fs = std::filesystem;

struct PrepareArgs {
  std::vector<std::string> sources;
  std::string output, preset = "fast", rules;
  double test_fraction = PrepareOptions{}.test_fraction;
  bool strict = false, no_normalize = false;
};

PrepareOptions build_options(const PrepareArgs& a) {
  const GrainOptions grain = make_preset(a.preset).grain;
  PrepareOptions o;
  o.sample_rate = grain.sample_rate;
  o.event_length = grain.event_length();
  o.test_fraction = a.test_fraction;
  o.normalize = !a.no_normalize;
  o.rules_path = a.rules;
  return o;
}

// Fails early, before minutes of decoding, on an output path that cannot be written.
void check_output(const fs::path& out) {
  std::error_code ec;
  if (fs::is_directory(out, ec)) fail_file(out, "is a folder; expected a dataset file name");
}

// Rejections a user should fix; files the rules say to ignore are not among them.
std::vector<const ManifestEntry*> rejected(const PrepareResult& r) {
  std::vector<const ManifestEntry*> out;
  for (const auto& m : r.manifest)
    if (!m.accepted && reason_category(m.reason) != "ignored") out.push_back(&m);
  return out;
}

void enforce_strict(const std::vector<const ManifestEntry*>& bad) {
  if (bad.empty()) return;
  std::string more;
  if (bad.size() > 1) more = " (and " + std::to_string(bad.size() - 1) + " more rejected files)";
  fail_file(bad.front()->path, "rejected under --strict: " + bad.front()->reason + more);
}

void print_table(const Dataset& d) {
  std::vector<std::array<int, 2>> counts(d.classes.size(), {0, 0});
  for (const auto& e : d.entries) ++counts[e.class_index][e.split == Split::test];
  std::printf("%-12s %7s %7s %7s\n", "class", "train", "test", "total");
  int train = 0, test = 0;
  for (std::size_t c = 0; c < counts.size(); ++c) {
    std::printf("%-12s %7d %7d %7d\n", d.classes[c].c_str(), counts[c][0], counts[c][1],
                counts[c][0] + counts[c][1]);
    train += counts[c][0];
    test += counts[c][1];
  }
  std::printf("%-12s %7d %7d %7d\n", "total", train, test, train + test);
}

void print_rejections(const PrepareResult& r) {
  std::map<std::string, int> by_reason;
  for (const auto& m : r.manifest)
    if (!m.accepted) ++by_reason[reason_category(m.reason)];
  if (by_reason.empty()) return;
  std::string list;
  for (const auto& [reason, n] : by_reason)
    list += (list.empty() ? "" : ", ") + std::to_string(n) + " " + reason;
  std::printf("not used: %s\n", list.c_str());
}

int run_prepare(const PrepareArgs& a) {
  const fs::path out = a.output;
  check_output(out);
  const PrepareOptions options = build_options(a);
  std::vector<fs::path> sources(a.sources.begin(), a.sources.end());

  Progress progress;
  PrepareResult r = prepare_dataset(sources, options, [&](std::size_t done, std::size_t total,
                                                          const std::string& file) {
    progress.update("prepare: " + std::to_string(done) + "/" + std::to_string(total) + " " + file,
                    done == total);
  });
  progress.finish("prepare: " + std::to_string(r.manifest.size()) + " files read");

  const auto bad = rejected(r);
  if (a.strict) enforce_strict(bad);
  for (const auto* m : bad) std::fprintf(stderr, "warning: %s: %s\n", m->path.c_str(), m->reason.c_str());

  if (out.has_parent_path()) fs::create_directories(out.parent_path());
  write_prepared(r, out);
  print_table(r.dataset);
  print_rejections(r);
  const double mb = r.dataset.samples.size() * sizeof(float) / 1e6;
  std::printf("wrote %s (%zu events of %lld samples at %d Hz, %.1f MB)\n", out.c_str(),
              r.dataset.entries.size(), static_cast<long long>(r.dataset.event_length),
              r.dataset.sample_rate, mb);
  std::printf("wrote %s (every file, its class, split, and why any was not used)\n",
              manifest_path(out).c_str());
  return 0;
}

}  // namespace

Run add_prepare(CLI::App& app) {
  auto a = std::make_shared<PrepareArgs>();
  app.description(
      "Import sound libraries into one dataset file for `ngsynth train`.\n"
      "Each SOURCE is one of:\n"
      "  - a Hydrogen drumkit (a folder with drumkit.xml): instrument names are mapped to\n"
      "    classes by keyword rules (kick snare hihat tom crash ride clap perc by default);\n"
      "  - a folder of Hydrogen kits, e.g. /usr/share/hydrogen/data/drumkits;\n"
      "  - a folder with one subfolder per class (kick/, snare/, ...), searched recursively\n"
      "    for wav, flac, aif, aiff and ogg files.\n"
      "Every sound is mixed to mono, resampled to the preset's rate, DC-removed, high-passed\n"
      "at 50 Hz, aligned on its onset, cropped or padded to the preset's event length and\n"
      "peak-normalised. Silent, empty, unreadable and NaN files are skipped with a warning.\n"
      "The train/test split comes from a hash of each file's path inside its source, so it\n"
      "is the same on every machine. Also writes DATASET's manifest (.manifest.json).");
  app.footer(
      "Examples:\n"
      "  ngsynth prepare /usr/share/hydrogen/data/drumkits -o drums.ngd\n"
      "  ngsynth prepare my_samples/ --classes my_rules.json --preset paper -o mine.ngd\n"
      "Class rules: copy data/drum_rules.json from the source tree, edit, pass --classes.");
  app.add_option("sources", a->sources, "Kit folders, folders of kits, or class folders")
      ->required();
  app.add_option("-o,--output", a->output, "Dataset file to write, e.g. drums.ngd")->required();
  app.add_option("--preset", a->preset, "Sample rate and event length of this preset: "
                                        "fast or tonal (16 kHz, 11264) or paper (22.05 kHz, 22528)")
      ->check(CLI::IsMember(preset_names()))
      ->capture_default_str();
  app.add_option("--classes", a->rules, "JSON class rules for kit instrument names "
                                        "(default: built-in drum rules)");
  app.add_option("--test-fraction", a->test_fraction, "Share of files held out for testing")
      ->check(CLI::Range(0.0, 0.9))
      ->capture_default_str();
  app.add_flag("--strict", a->strict,
               "Fail, writing nothing, if any file is rejected (files the class rules "
               "ignore do not count)");
  app.add_flag("--no-normalize", a->no_normalize, "Keep each sound's level (no peak scaling)");
  return [a] { return run_prepare(*a); };
}

}  // namespace ngsynth::cli
