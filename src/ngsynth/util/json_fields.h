// Reading JSON values into C++ fields with every check a hand-edited or hostile file needs,
// each failure an Error naming the field ("WHERE: what"):
//   - json_value<T>(v, where): a number into an integer type only when it is an integer
//     within the type's range (z_dim = 4294967424 is an error, not 128), into a float only
//     when it fits (1e300 is not a float), strings, booleans, enum classes by name
//     (util/enum_names.h) and vectors of these;
//   - JsonFieldReader: an options struct field by field: takes each listed field that is
//     present (keeping the default otherwise), and afterwards rejects any key that was not
//     listed, so that a misspelt option is an error rather than silently ignored;
//   - check_known_keys: the same rejection for objects read by hand;
//   - json_message: nlohmann's message without its "[json.exception.parse_error.101] ".
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "ngsynth/util/enum_names.h"
#include "ngsynth/util/error.h"

namespace ngsynth {

inline std::string json_message(const nlohmann::json::exception& e) {
  const std::string s = e.what();
  if (s.rfind("[json.exception.", 0) == 0) {
    const auto close = s.find("] ");
    if (close != std::string::npos) return s.substr(close + 2);
  }
  return s;
}

namespace json_detail {
template <typename T>
struct is_vector : std::false_type {};
template <typename T, typename A>
struct is_vector<std::vector<T, A>> : std::true_type {};

// "4294967424" for numbers, the value's JSON otherwise, shortened for messages.
inline std::string shown(const nlohmann::json& v) {
  std::string s = v.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

template <typename T>
T integer(const nlohmann::json& v, const std::string& where) {
  using L = std::numeric_limits<T>;
  const std::string range = " (" + std::to_string(+L::min()) + ".." + std::to_string(+L::max()) + ")";
  if (v.is_number_unsigned()) {
    const auto u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(L::max()))
      throw Error(where + ": " + shown(v) + " is out of range" + range);
    return static_cast<T>(u);
  }
  if (v.is_number_integer()) {
    const auto i = v.get<int64_t>();
    if constexpr (std::is_signed_v<T>) {
      if (i < static_cast<int64_t>(L::min()) || i > static_cast<int64_t>(L::max()))
        throw Error(where + ": " + shown(v) + " is out of range" + range);
    } else {
      if (i < 0) throw Error(where + ": " + shown(v) + " is out of range" + range);
    }
    return static_cast<T>(i);
  }
  throw Error(where + ": expected an integer, got " + shown(v));
}

template <typename T>
T floating(const nlohmann::json& v, const std::string& where) {
  if (!v.is_number()) throw Error(where + ": expected a number, got " + shown(v));
  const double d = v.get<double>();
  if (!std::isfinite(d) || std::fabs(d) > static_cast<double>(std::numeric_limits<T>::max()))
    throw Error(where + ": " + shown(v) + " is out of range for a " +
                (sizeof(T) == sizeof(float) ? "float" : "double"));
  return static_cast<T>(d);
}
}  // namespace json_detail

// One JSON value as a T (see the file comment); `where` names it in errors.
template <typename T>
T json_value(const nlohmann::json& v, const std::string& where) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_boolean()) throw Error(where + ": expected true or false, got " + json_detail::shown(v));
    return v.get<bool>();
  } else if constexpr (std::is_integral_v<T>) {
    return json_detail::integer<T>(v, where);
  } else if constexpr (std::is_floating_point_v<T>) {
    return json_detail::floating<T>(v, where);
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!v.is_string()) throw Error(where + ": expected a string, got " + json_detail::shown(v));
    return v.get<std::string>();
  } else if constexpr (std::is_enum_v<T>) {  // by name (util/enum_names.h)
    if (!v.is_string()) throw Error(where + ": expected " + enum_choices<T>() + ", got " + json_detail::shown(v));
    const auto e = enum_from_name<T>(v.get<std::string>());
    if (!e) throw Error(where + ": must be " + enum_choices<T>() + ", not " + json_detail::shown(v));
    return *e;
  } else if constexpr (json_detail::is_vector<T>::value) {
    if (!v.is_array()) throw Error(where + ": expected a list, got " + json_detail::shown(v));
    T out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i)
      out.push_back(json_value<typename T::value_type>(v[i], where + "[" + std::to_string(i) + "]"));
    return out;
  } else {
    try {
      return v.get<T>();
    } catch (const nlohmann::json::exception& e) {
      throw Error(where + ": " + json_message(e));
    }
  }
}

// Throws Error("WHERE: unknown key 'k' (expected a, b, c)") for a key not in `keys`.
inline void check_known_keys(const nlohmann::json& j, std::initializer_list<const char*> keys,
                             const std::string& where) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (std::none_of(keys.begin(), keys.end(), [&](const char* k) { return it.key() == k; })) {
      std::string list;
      for (const char* k : keys) list += std::string(list.empty() ? "" : ", ") + k;
      throw Error(where + ": unknown key '" + it.key() + "' (expected " + list + ")");
    }
}

class JsonFieldReader {
 public:
  // what: "grain", "engine", ... for messages such as "grain option z_dim: expected ...".
  JsonFieldReader(const nlohmann::json& j, std::string what) : j_(j), what_(std::move(what)) {
    if (!j.is_object()) throw Error(what_ + " options: expected a JSON object");
  }
  template <typename T>
  void operator()(const char* key, T& field) {
    seen_.push_back(key);
    auto it = j_.find(key);
    if (it == j_.end()) return;  // keep the default
    field = json_value<T>(*it, what_ + " option " + key);
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
