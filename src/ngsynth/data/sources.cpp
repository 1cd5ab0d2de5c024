// Directory listings are sorted before use: filesystem order differs between machines and
// file systems, and the dataset's entry order should not.
#include "ngsynth/data/sources.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "ngsynth/data/hydrogen_kit.h"
#include "ngsynth/util/error.h"

namespace ngsynth {
namespace fs = std::filesystem;

const char* source_kind_name(SourceKind k) {
  switch (k) {
    case SourceKind::hydrogen_kit: return "Hydrogen kit";
    case SourceKind::kit_folder: return "folder of Hydrogen kits";
    case SourceKind::class_folders: return "class folders";
  }
  return "?";
}

bool has_audio_extension(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".wav" || ext == ".flac" || ext == ".aif" || ext == ".aiff" || ext == ".ogg";
}

namespace {

bool is_hidden(const fs::path& p) { return p.filename().string().starts_with("."); }

// Visible entries of a folder, sorted by name.
std::vector<fs::path> list_folder(const fs::path& folder) {
  std::vector<fs::path> entries;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
    if (!is_hidden(it->path())) entries.push_back(it->path());
  if (ec) fail_file(folder, "cannot list folder: " + ec.message());
  std::sort(entries.begin(), entries.end());
  return entries;
}

std::vector<fs::path> subfolders(const std::vector<fs::path>& entries) {
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (const auto& e : entries)
    if (fs::is_directory(e, ec)) dirs.push_back(e);
  return dirs;
}

// The folder's own name, also for "." or a path ending in '/'.
std::string folder_name(const fs::path& folder) {
  return fs::weakly_canonical(folder).filename().string();
}

// Where a kit sample lives relative to the kit folder; absolute references outside the
// kit keep only their file name.
std::string kit_relative(const fs::path& sample, const fs::path& kit_folder) {
  const fs::path rel = sample.lexically_relative(kit_folder);
  if (rel.empty() || *rel.begin() == "..") return sample.filename().generic_string();
  return rel.generic_string();
}

bool inside(const fs::path& p, const fs::path& folder) {
  const fs::path rel = p.lexically_relative(folder);
  return !rel.empty() && *rel.begin() != ".." && !rel.is_absolute();
}

// The file name as the kit wrote it: relative names were joined to the kit folder.
fs::path as_written(const fs::path& sample, const fs::path& kit_folder) {
  auto s = sample.begin();
  for (auto f = kit_folder.begin(); f != kit_folder.end(); ++f, ++s)
    if (f->empty()) continue;  // a trailing '/'
    else if (s == sample.end() || *s != *f) return sample;
  fs::path rest;
  for (; s != sample.end(); ++s) rest /= *s;
  return rest;
}

// Why a kit's sample must not be read, or "" when it lies inside the kit folder (by name
// and, once links are resolved, on disk).
std::string outside_kit(const fs::path& sample, const fs::path& kit_folder) {
  const fs::path folder = kit_folder.lexically_normal();
  const std::string name = as_written(sample, kit_folder).string();
  if (!inside(sample.lexically_normal(), folder))
    return "outside: kit file name '" + name +
           "' leaves the kit folder; only files inside it are read";
  std::error_code ec, folder_ec;
  const fs::path real = fs::weakly_canonical(sample, ec);
  const fs::path real_folder = fs::weakly_canonical(folder, folder_ec);
  if (!ec && !folder_ec && !inside(real, real_folder))
    return "outside: kit file '" + name + "' is a link to " + real.string() +
           ", outside the kit folder; only files inside it are read";
  return "";
}

void add_kit(const fs::path& kit_folder, std::vector<SourceFile>& out) {
  const HydrogenKit kit = load_hydrogen_kit(kit_folder);
  const std::string prefix = folder_name(kit_folder) + "/";
  std::set<fs::path> seen;
  for (const auto& instrument : kit.instruments)
    for (const auto& sample : instrument.samples)
      if (seen.insert(sample.lexically_normal()).second)
        out.push_back({sample, prefix + kit_relative(sample, kit_folder), "", instrument.name,
                       outside_kit(sample, kit_folder)});
}

// Sound files below a class folder, sorted by their relative path.
void add_class(const fs::path& root, const fs::path& class_folder, std::vector<SourceFile>& out) {
  std::vector<SourceFile> found;
  std::error_code ec;
  const std::string name = class_folder.filename().string();
  for (fs::recursive_directory_iterator it(class_folder, ec), end; !ec && it != end;
       it.increment(ec)) {
    std::error_code type_ec;
    if (is_hidden(it->path())) {
      if (it->is_directory(type_ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(type_ec) && has_audio_extension(it->path()))
      found.push_back({it->path(), it->path().lexically_relative(root).generic_string(), name, "", ""});
  }
  if (ec) fail_file(class_folder, "cannot list folder: " + ec.message());
  std::sort(found.begin(), found.end(),
            [](const SourceFile& a, const SourceFile& b) { return a.relative < b.relative; });
  out.insert(out.end(), found.begin(), found.end());
}

Source scan_kit_folder(const fs::path& root, const std::vector<fs::path>& dirs) {
  Source s{root, SourceKind::kit_folder, {}};
  for (const auto& d : dirs)
    if (is_hydrogen_kit(d)) add_kit(d, s.files);
  if (s.files.empty()) fail_file(root, "its Hydrogen kits list no sample files");
  return s;
}

Source scan_class_folders(const fs::path& root, const std::vector<fs::path>& entries) {
  Source s{root, SourceKind::class_folders, {}};
  for (const auto& d : subfolders(entries)) add_class(root, d, s.files);
  if (s.files.empty())
    fail_file(root, "no class found: expected a Hydrogen kit (drumkit.xml), a folder of kits, "
                    "or one subfolder per class holding sound files (wav, flac, aif, aiff, ogg)");
  // Loose files beside the class folders have no class; prepare reports them.
  std::error_code ec;
  for (const auto& e : entries)
    if (fs::is_regular_file(e, ec) && has_audio_extension(e))
      s.files.push_back({e, e.filename().generic_string(), "", "", ""});
  return s;
}

}  // namespace

Source scan_source(const fs::path& root) {
  std::error_code ec;
  if (!fs::exists(root, ec)) fail_file(root, "no such file or folder");
  if (!fs::is_directory(root, ec))
    fail_file(root, "is a file; expected a folder (a Hydrogen kit, a folder of kits, or one "
                    "subfolder per class)");
  if (is_hydrogen_kit(root)) {
    Source s{root, SourceKind::hydrogen_kit, {}};
    add_kit(root, s.files);
    if (s.files.empty()) fail_file(root / kDrumkitXml, "lists no sample files");
    return s;
  }
  const std::vector<fs::path> entries = list_folder(root);
  if (entries.empty()) fail_file(root, "empty folder");
  const std::vector<fs::path> dirs = subfolders(entries);
  if (std::any_of(dirs.begin(), dirs.end(), is_hydrogen_kit)) return scan_kit_folder(root, dirs);
  return scan_class_folders(root, entries);
}

}  // namespace ngsynth
