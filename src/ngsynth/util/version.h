// What built this ngsynth: the project's version (CMake's PROJECT_VERSION) and the commit of
// its source ("unknown" outside a git checkout, "-dirty" with uncommitted changes). Every
// model file records it (header "written_by"), `ngsynth make` beside the settings it trained
// with, and `ngsynth --version` prints it.
#pragma once

#include <string>

namespace ngsynth {

const char* version();
const char* source_commit();
// "ngsynth 0.1.0 (commit 0123456789ab)".
std::string version_text();

}  // namespace ngsynth
