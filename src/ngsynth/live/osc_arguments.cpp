// The arguments of OSC messages: parameters, type names, conversion (see osc_arguments.h).
#include "ngsynth/live/osc_arguments.h"

#include <cmath>
#include <sstream>

namespace ngsynth::live::detail {

std::vector<Param> parse_params(const std::string& spec) {
  std::vector<Param> out;
  std::istringstream in(spec);
  std::string tok;
  while (in >> tok) {
    Param p;
    p.optional = tok.front() == '[';
    const std::string body = tok.substr(1, tok.size() - 2);
    const auto colon = body.find(':');
    p.name = body.substr(0, colon);
    const std::string kind = body.substr(colon + 1);
    p.kind = kind == "s|i" ? 'c' : kind[0];
    out.push_back(p);
  }
  return out;
}

const char* type_name(char t) {
  switch (t) {
    case 'i': return "int32";
    case 'h': return "int64";
    case 'f': return "float";
    case 'd': return "double";
    case 's': return "string";
    case 'S': return "symbol";
    case 'c': return "char";
    case 'b': return "blob";
    case 'm': return "MIDI";
    case 't': return "timetag";
    case 'T': return "true";
    case 'F': return "false";
    case 'N': return "nil";
    case 'I': return "infinitum";
    default: return "unknown type";
  }
}

std::optional<double> as_number(char t, lo_arg* a) {
  switch (t) {
    case 'i': return static_cast<double>(arg_value<int32_t>(a));
    case 'h': return static_cast<double>(arg_value<int64_t>(a));
    case 'f': return static_cast<double>(arg_value<float>(a));
    case 'd': return arg_value<double>(a);
    default: return std::nullopt;
  }
}

std::optional<int64_t> as_integer(char t, lo_arg* a) {
  if (t == 'i') return arg_value<int32_t>(a);
  if (t == 'h') return arg_value<int64_t>(a);
  if (t == 'f' || t == 'd') {
    const double v = t == 'f' ? arg_value<float>(a) : arg_value<double>(a);
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.0e15) return static_cast<int64_t>(v);
  }
  return std::nullopt;
}

}  // namespace ngsynth::live::detail
