#include "ngsynth/util/error.h"

namespace ngsynth {

void fail_file(const std::filesystem::path& path, const std::string& what) {
  throw Error(path.string() + ": " + what);
}

}  // namespace ngsynth
