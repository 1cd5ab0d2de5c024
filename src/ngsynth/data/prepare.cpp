// prepare: sources -> files -> classes -> conditioned events -> Dataset + manifest. Every
// file seen is accounted for in the manifest; a bad file costs only itself. The order of
// entries follows the sources as given and each source's sorted listing, so two runs on
// the same library produce identical files.
#include "ngsynth/data/prepare.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <span>

#include <nlohmann/json.hpp>

#include "ngsynth/audio/audio_file.h"
#include "ngsynth/audio/conditioning.h"
#include "ngsynth/audio/resample.h"
#include "ngsynth/data/class_rules.h"
#include "ngsynth/data/sources.h"
#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/version.h"
#include "ngsynth/util/hash.h"

namespace ngsynth {
namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;  // keeps the manifest's keys in a readable order

namespace {


void require(bool ok, const std::string& field, const std::string& why) {
  if (!ok) throw Error("prepare option " + field + ": " + why);
}

std::string format_db(double db) {
  if (!std::isfinite(db)) return "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", db);
  return buf;
}

// One file of one source, on its way to the manifest.
struct Item {
  std::string root;
  SourceFile file;
  bool from_kit = false;
};

// Two names of one file (a symlink, "kits/../kits") compare equal after this.
fs::path identity(const fs::path& p) {
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(p, ec);
  return ec ? p.lexically_normal() : canonical;
}

std::vector<Item> collect_files(const std::vector<fs::path>& sources, bool& any_kit) {
  std::vector<Item> items;
  std::set<fs::path> seen;  // a file reached twice (overlapping sources) counts once
  for (const auto& root : sources) {
    const Source source = scan_source(root);
    const bool kit = source.kind != SourceKind::class_folders;
    any_kit = any_kit || kit;
    for (const auto& f : source.files)
      if (seen.insert(identity(f.path)).second)
        items.push_back({root.string(), f, kit});
  }
  return items;
}

// The class of an item, or a rejection reason.
std::string resolve_class(const Item& item, const ClassRules& rules, std::string& reason) {
  if (!item.from_kit) {
    if (item.file.folder_class.empty())
      reason = "unclassified: not inside a class subfolder";
    return item.file.folder_class;
  }
  const ClassMatch m = classify(rules, item.file.instrument);
  if (m.ignored)
    reason = "ignored: instrument '" + item.file.instrument + "' matches ignore keyword '" +
             m.keyword + "'";
  else if (m.class_name.empty())
    reason = "unclassified: no rule matches instrument '" + item.file.instrument +
             "' and the rules have no default";
  return m.class_name;
}

std::string silence_reason(double peak_db, const PrepareOptions& o) {
  return "silent: peak " + format_db(peak_db) + " dBFS, below " + format_db(o.silence_db);
}

// Samples [begin, end) of a file at its own rate.
struct EventWindow {
  std::size_t begin = 0, end = 0;
};

// The part of a file that can end up in its event: from a little before its onset to a
// little past onset + event length. Resampling dominates prepare's time (cymbal tails run
// for seconds), so only this part is resampled. The margins hold the onset as found again
// after resampling (band-limiting can move it by a few samples), let the resampler's
// filter settle outside the event, and leave material for the fade-out.
EventWindow event_window(std::span<const float> x, int rate, const PrepareOptions& o) {
  constexpr double kMarginS = 0.05;
  const double event_s = static_cast<double>(o.event_length) / o.sample_rate;
  const std::size_t onset = find_onset(x, o.onset_db, 0);
  const auto lead = static_cast<std::size_t>(std::ceil((o.preroll_ms / 1000 + kMarginS) * rate));
  const auto tail = static_cast<std::size_t>(std::ceil((event_s + kMarginS) * rate));
  return {onset > lead ? onset - lead : 0, std::min(x.size(), onset + tail)};
}

// Filtered and judged for silence on the whole file at its own rate (the 50 Hz high-pass
// is far below any Nyquist); then the event's window is resampled, and aligned on its
// onset at the dataset's rate, fitted and scaled. Empty with `reason` set when silent.
std::vector<float> make_event(Audio audio, const PrepareOptions& o, std::string& reason) {
  std::vector<float>& x = audio.samples;
  remove_dc(x);
  if (o.highpass_hz < 0.45 * audio.sample_rate) highpass(x, o.highpass_hz, audio.sample_rate);
  const double peak_db = amplitude_to_db(peak_abs(x));
  if (!(peak_db >= o.silence_db)) {
    reason = silence_reason(peak_db, o);
    return {};
  }
  const EventWindow w = event_window(x, audio.sample_rate, o);
  const std::vector<float> y =
      resample(std::span<const float>(x).subspan(w.begin, w.end - w.begin), audio.sample_rate,
               o.sample_rate);
  const std::size_t start = find_onset(y, o.onset_db, ms_to_samples(o.preroll_ms, o.sample_rate));
  std::vector<float> event = crop_or_pad(y, start, static_cast<std::size_t>(o.event_length),
                                         ms_to_samples(o.fade_ms, o.sample_rate));
  if (o.normalize) normalize_peak(event, o.peak_level);
  return event;
}

std::vector<float> load_event(const fs::path& path, const PrepareOptions& o, std::string& reason) {
  try {
    return make_event(read_audio(path), o, reason);
  } catch (const AudioFileError& e) {
    reason = std::string(problem_name(e.problem())) + ": " + e.detail();
  } catch (const Error& e) {
    // A rate libsamplerate cannot convert (beyond 256:1) spoils this file only.
    reason = std::string("unreadable: ") + e.what();
  }
  return {};
}

// Classes with at least one accepted event: in rules order when kits took part (folder
// classes not named by the rules follow, sorted), else sorted folder names.
std::vector<std::string> class_order(const std::set<std::string>& used, const ClassRules& rules,
                                     bool any_kit) {
  std::vector<std::string> order;
  if (any_kit)
    for (const auto& c : rules.classes)
      if (used.count(c)) order.push_back(c);
  for (const auto& c : used)  // std::set iterates sorted
    if (std::find(order.begin(), order.end(), c) == order.end()) order.push_back(c);
  return order;
}

std::string no_accepted_message(const std::vector<fs::path>& sources,
                                const std::vector<ManifestEntry>& manifest) {
  std::map<std::string, int> by_reason;
  for (const auto& m : manifest) ++by_reason[reason_category(m.reason)];
  std::string list;
  for (const auto& [reason, n] : by_reason)
    list += (list.empty() ? "" : ", ") + std::to_string(n) + " " + reason;
  std::string names;
  for (const auto& s : sources) names += (names.empty() ? "" : ", ") + s.string();
  return names + ": no sound accepted (" + std::to_string(manifest.size()) + " files: " +
         (list.empty() ? "none" : list) + ")";
}

// Lists the accepted entries (their samples are already in place), now that the class
// list is known.
void assemble_entries(PrepareResult& r, const ClassRules& rules, bool any_kit) {
  std::set<std::string> used;
  for (const auto& m : r.manifest)
    if (m.accepted) used.insert(m.class_name);
  r.dataset.classes = class_order(used, rules, any_kit);
  for (const auto& m : r.manifest) {
    if (!m.accepted) continue;
    const auto cls = std::find(r.dataset.classes.begin(), r.dataset.classes.end(), m.class_name);
    r.dataset.entries.push_back({m.source, static_cast<int>(cls - r.dataset.classes.begin()),
                                 m.split == "test" ? Split::test : Split::train});
  }
}

ojson options_json(const PrepareOptions& o) {
  return {{"sample_rate", o.sample_rate},  {"event_length", o.event_length},
          {"highpass_hz", o.highpass_hz},  {"silence_db", o.silence_db},
          {"onset_db", o.onset_db},        {"preroll_ms", o.preroll_ms},
          {"fade_ms", o.fade_ms},          {"normalize", o.normalize},
          {"peak_level", o.peak_level},    {"test_fraction", o.test_fraction},
          {"rules", o.rules_path.empty() ? "built-in drum rules" : o.rules_path.string()}};
}

ojson summary_json(const PrepareResult& r) {
  // counts[class][split], split 0 = train, 1 = test.
  std::vector<std::array<int, 2>> counts(r.dataset.classes.size(), {0, 0});
  for (const auto& e : r.dataset.entries) ++counts[e.class_index][e.split == Split::test];
  ojson per_class = ojson::object();
  std::array<int, 2> total{0, 0};
  for (std::size_t c = 0; c < counts.size(); ++c) {
    per_class[r.dataset.classes[c]] = {{"train", counts[c][0]}, {"test", counts[c][1]}};
    total[0] += counts[c][0];
    total[1] += counts[c][1];
  }
  const ojson per_split = {{"train", total[0]}, {"test", total[1]}};
  std::map<std::string, int> by_reason;
  for (const auto& m : r.manifest)
    if (!m.accepted) ++by_reason[reason_category(m.reason)];
  return {{"files", r.manifest.size()},
          {"accepted", r.dataset.entries.size()},
          {"rejected", r.manifest.size() - r.dataset.entries.size()},
          {"rejected_by_reason", by_reason},
          {"per_class", per_class},
          {"per_split", per_split}};
}

ojson files_json(const std::vector<ManifestEntry>& manifest) {
  ojson files = ojson::array();
  for (const auto& m : manifest) {
    ojson f = {{"root", m.root}, {"source", m.source}, {"class", m.class_name},
               {"split", m.split}, {"accepted", m.accepted}, {"reason", m.reason},
               {"path", m.path}};
    if (!m.instrument.empty()) f["instrument"] = m.instrument;
    files.push_back(std::move(f));
  }
  return files;
}

}  // namespace

void validate(const PrepareOptions& o) {
  require(o.sample_rate >= 1000 && o.sample_rate <= 384000, "sample_rate", "must be 1000..384000");
  require(o.event_length >= 1, "event_length", "must be >= 1");
  require(o.highpass_hz >= 0 && o.highpass_hz < o.sample_rate / 2.0, "highpass_hz",
          "must be 0 (off) or below half the sample rate");
  require(o.silence_db <= 0, "silence_db", "must be <= 0 dBFS");
  require(o.onset_db <= 0, "onset_db", "must be <= 0 dB (relative to the peak)");
  require(o.preroll_ms >= 0 && o.fade_ms >= 0, "preroll_ms", "times must be >= 0");
  require(o.peak_level > 0 && o.peak_level <= 1, "peak_level", "must be in (0, 1]");
  require(o.test_fraction >= 0 && o.test_fraction < 1, "test_fraction", "must be in [0, 1)");
}

Split split_for(std::string_view relative_path, double test_fraction) {
  const uint64_t h = mix_seed(fnv1a64(relative_path), 0);
  const double u = static_cast<double>(h >> 11) * 0x1.0p-53;  // uniform in [0, 1)
  return u < test_fraction ? Split::test : Split::train;
}

std::string reason_category(const std::string& reason) {
  return reason.substr(0, reason.find(':'));
}

PrepareResult prepare_dataset(const std::vector<fs::path>& sources, const PrepareOptions& options,
                              const PrepareProgress& progress) {
  validate(options);
  if (sources.empty()) throw Error("prepare: no source given");
  const ClassRules rules =
      options.rules_path.empty() ? default_drum_rules() : load_class_rules(options.rules_path);
  bool any_kit = false;
  const std::vector<Item> items = collect_files(sources, any_kit);

  PrepareResult r;
  r.options = options;
  for (const auto& s : sources) r.sources.push_back(s.string());
  r.dataset.sample_rate = options.sample_rate;
  r.dataset.event_length = options.event_length;
  std::size_t accepted = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Item& item = items[i];
    ManifestEntry m{item.file.relative, item.root, "", "", false, "",
                    item.file.path.string(), item.file.instrument};
    m.class_name = resolve_class(item, rules, m.reason);
    if (m.reason.empty()) m.reason = item.file.rejected;
    std::vector<float> event;
    if (m.reason.empty()) event = load_event(item.file.path, options, m.reason);
    m.accepted = m.reason.empty();
    if (m.accepted) {
      m.split = split_name(split_for(m.source, options.test_fraction));
      r.dataset.samples.insert(r.dataset.samples.end(), event.begin(), event.end());
      ++accepted;
    }
    r.manifest.push_back(std::move(m));
    if (progress) progress(i + 1, items.size(), item.file.relative);
  }
  if (accepted == 0) throw Error(no_accepted_message(sources, r.manifest));
  assemble_entries(r, rules, any_kit);
  return r;
}

void write_prepared(const PrepareResult& result, const fs::path& dataset_path) {
  const ojson manifest = {{"dataset", dataset_path.filename().string()},
                          {"created_by", version_text()},
                          {"sources", result.sources},
                          {"options", options_json(result.options)},
                          {"classes", result.dataset.classes},
                          {"summary", summary_json(result)},
                          {"files", files_json(result.manifest)}};
  // File and instrument names are bytes; invalid UTF-8 becomes U+FFFD in the manifest.
  const std::string text = manifest.dump(2, ' ', false, ojson::error_handler_t::replace) + "\n";
  // Both files or neither: a dataset is never left without its manifest.
  write_atomically({{dataset_path, [&](std::ostream& out) { write_dataset(result.dataset, dataset_path, out); }},
                    {manifest_path(dataset_path), [&](std::ostream& out) { out << text; }}});
}

}  // namespace ngsynth
