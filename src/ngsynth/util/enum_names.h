// Names of enum classes, for options files, messages and the command line: an enum E is
// given its names, in the order of its values, by specialising EnumNames<E>
// (NGSYNTH_ENUM_NAMES below); enum_name, enum_from_name and enum_choices then work on it,
// and util/json_fields.h reads it from JSON by name, with an error that lists the choices.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ngsynth {

template <typename E>
struct EnumNames;  // specialised with `static constexpr std::array names`

#define NGSYNTH_ENUM_NAMES(E, ...)                                \
  template <>                                                     \
  struct EnumNames<E> {                                           \
    static constexpr std::array names{__VA_ARGS__};               \
  }

template <typename E>
constexpr const char* enum_name(E e) {
  return EnumNames<E>::names[static_cast<std::size_t>(e)];
}

template <typename E>
std::optional<E> enum_from_name(std::string_view name) {
  const auto& names = EnumNames<E>::names;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (name == names[i]) return static_cast<E>(i);
  return std::nullopt;
}

// "conv or spectral", "grain, temporal or joint".
template <typename E>
std::string enum_choices() {
  const auto& names = EnumNames<E>::names;
  std::string s;
  for (std::size_t i = 0; i < names.size(); ++i)
    s += std::string(i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return s;
}

}  // namespace ngsynth
