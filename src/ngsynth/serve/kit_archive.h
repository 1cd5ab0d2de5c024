// The kit a web page downloads: every track's hit as a WAV file, the pattern, and a
// Hydrogen drumkit.xml naming the WAVs, packed as one zip archive (stored, no
// compression: the WAVs would barely shrink), so that unzipped into Hydrogen's drumkits
// folder it is a kit, and `ngsynth prepare` reads it back as one.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ngsynth::serve {

// A zip archive (PKWARE APPNOTE 4.5, method 0 "stored", CRC-32) of (name, bytes) entries
// in their order. Error if a name is empty or the archive would exceed 4 GiB.
std::string zip_archive(const std::vector<std::pair<std::string, std::string>>& files);

// A Hydrogen 1.2 drumkit.xml (kit::drumkit_xml): kit `name`, one instrument per entry
// (instrument name, WAV file name in the kit folder), each with one layer for every velocity.
std::string drumkit_xml(const std::string& name,
                        const std::vector<std::pair<std::string, std::string>>& instruments);

}  // namespace ngsynth::serve
