// Finding the sound files of one source given to `ngsynth prepare`. Three layouts are
// recognised, in this order:
//   - a Hydrogen kit: the folder holds drumkit.xml; its instruments name the files;
//   - a folder of kits: at least one subfolder holds drumkit.xml (other subfolders are
//     skipped), e.g. /usr/share/hydrogen/data/drumkits;
//   - class folders: each subfolder is a class; sound files (wav, flac, aif, aiff, ogg)
//     are found recursively below it.
// A kit reads only files inside its own folder: a file name that is absolute, climbs out
// with "..", or resolves outside through a symbolic link is listed with `rejected` set
// (a downloaded kit must not make ngsynth read /dev/urandom or the user's files).
// Each file carries its path relative to the source root ("Kit/file.flac" for kits, both
// for one kit and a folder of kits; "class/sub/file.wav" for class folders). That string
// seeds the train/test split, so the split does not depend on where the library lives.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ngsynth {

enum class SourceKind { hydrogen_kit, kit_folder, class_folders };
const char* source_kind_name(SourceKind k);  // "Hydrogen kit", "folder of kits", ...

struct SourceFile {
  std::filesystem::path path;  // the sound file (kit references may not exist)
  std::string relative;        // '/'-separated path relative to the source root
  std::string folder_class;    // class folders: the class; empty for kits and loose files
  std::string instrument;      // kits: the first instrument that references the file
  std::string rejected;        // why the file must not be read ("outside: ..."), else empty
};

struct Source {
  std::filesystem::path root;
  SourceKind kind = SourceKind::class_folders;
  std::vector<SourceFile> files;  // kits in name order, files in kit order; else sorted
};

// True for the sound-file extensions looked for in class folders (case-insensitive).
bool has_audio_extension(const std::filesystem::path& path);

// Finds the files of one source. Throws Error naming the path for a missing source, a
// file given instead of a folder, an empty folder, a folder where no class (or kit) is
// found, or a malformed drumkit.xml. Files referenced twice by a kit are listed once;
// names starting with '.' (hidden files, macOS "._" resource files) are skipped.
Source scan_source(const std::filesystem::path& root);

}  // namespace ngsynth
