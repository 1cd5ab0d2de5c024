#include "ngsynth/util/version.h"

namespace ngsynth {

std::string version_text() {
  return std::string("ngsynth ") + version() + " (commit " + source_commit() + ")";
}

}  // namespace ngsynth
