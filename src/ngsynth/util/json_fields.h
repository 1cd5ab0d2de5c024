// Reading an options struct from JSON field by field: a visitor that takes each listed
// field that is present (keeping the default otherwise), names the field of a value of the
// wrong type, and afterwards rejects any key that was not listed, so that a misspelt
// option is an error rather than silently ignored. Used by every options struct.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ngsynth/util/error.h"

namespace ngsynth {

class JsonFieldReader {
 public:
  // what: "grain", "engine", ... for messages such as "grain option z_dim: wrong type".
  JsonFieldReader(const nlohmann::json& j, std::string what) : j_(j), what_(std::move(what)) {
    if (!j.is_object()) throw Error(what_ + " options: expected a JSON object");
  }
  template <typename T>
  void operator()(const char* key, T& field) {
    seen_.push_back(key);
    auto it = j_.find(key);
    if (it == j_.end()) return;  // keep the default
    try {
      field = it->template get<T>();
    } catch (const nlohmann::json::exception&) {
      throw Error(what_ + " option " + key + ": wrong type (" + it->dump() + ")");
    }
  }
  void reject_unknown() const {
    for (auto it = j_.begin(); it != j_.end(); ++it)
      if (std::find(seen_.begin(), seen_.end(), it.key()) == seen_.end())
        throw Error(what_ + " options: unknown key '" + it.key() + "'");
  }

 private:
  const nlohmann::json& j_;
  std::string what_;
  std::vector<std::string> seen_;
};

}  // namespace ngsynth
