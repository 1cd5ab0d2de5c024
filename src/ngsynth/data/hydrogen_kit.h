// Reading Hydrogen drumkits (hydrogen-music.org): a folder holding drumkit.xml, which names
// the kit and lists its instruments, each with its sample files. Current kits put files in
// <instrument><layer><filename> (or <instrumentComponent><layer>), very old ones directly
// in <instrument><filename>; both are read. Nothing here decodes audio: the sample paths
// are returned whether the files exist or not, so the caller can report missing ones.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ngsynth {

struct KitInstrument {
  std::string name;
  std::vector<std::filesystem::path> samples;  // kit folder / filename, in layer order
};

struct HydrogenKit {
  std::string name;                    // <name> of the kit (the folder name when absent)
  std::filesystem::path folder;        // the folder holding drumkit.xml
  std::vector<KitInstrument> instruments;  // all of them, including those without samples
};

inline constexpr const char* kDrumkitXml = "drumkit.xml";

// True when `folder` holds a drumkit.xml.
bool is_hydrogen_kit(const std::filesystem::path& folder);

// Parses folder/drumkit.xml. Throws Error naming the file when it is missing, is not XML
// (with pugixml's description and byte offset), or is not a Hydrogen drumkit.
HydrogenKit load_hydrogen_kit(const std::filesystem::path& folder);

}  // namespace ngsynth
