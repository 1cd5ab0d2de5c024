// The arguments of the OSC server's messages: the mini-language of MessageDoc::args
// ("<class:s|i> [seed:i] [temperature:f]") parsed into parameters, the values a message's
// arguments are converted to (from liblo's, checked by type), OSC type names for errors,
// and Reply, which builds the arguments of a reply. Internal to the server (namespace
// detail); the server's public API is osc_server.h.
#pragma once

#include <lo/lo.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace ngsynth::live::detail {

// ---------------------------------------------------------------- arguments

// One parameter of a message, parsed from MessageDoc::args.
struct Param {
  std::string name;
  char kind = 's';  // 's' string, 'i' integer, 'f' number, 'c' class or track (name or index)
  bool optional = false;
};

// The parameters of a MessageDoc::args string ("<name:kind>" required, "[name:kind]"
// optional; kind s, i, f or s|i).
std::vector<Param> parse_params(const std::string& spec);

// A message's argument, converted for its Param (present: the message gave it).
struct Value {
  bool present = false;
  std::string s;  // 's' and 'c'
  int64_t i = 0;  // 'i'
  double f = 0;   // 'f'
};

// The name of an OSC type tag ('i': "int32"), for error replies.
const char* type_name(char t);

// liblo's arguments sit at 4-byte offsets in the packet, so an 8-byte member of lo_arg
// may be misaligned: every value is copied out byte-wise (found by fuzz/fuzz_osc, UBSan).
template <typename T>
T arg_value(const lo_arg* a) {
  T v;
  std::memcpy(&v, a, sizeof v);
  return v;
}

// An argument of OSC type `t` as a number (types i, h, f, d), or nothing.
std::optional<double> as_number(char t, lo_arg* a);
// An argument of OSC type `t` as an integer (i, h, or an integral f or d), or nothing.
std::optional<int64_t> as_integer(char t, lo_arg* a);

// ---------------------------------------------------------------- replies

// The arguments of a reply, added in order (i: int32 where it fits, else int64).
struct Reply {
  lo_message m = lo_message_new();
  ~Reply() { lo_message_free(m); }
  Reply() = default;
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;
  Reply& s(const std::string& v) { lo_message_add_string(m, v.c_str()); return *this; }
  Reply& i(int64_t v) {
    if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max())
      lo_message_add_int32(m, static_cast<int32_t>(v));
    else
      lo_message_add_int64(m, v);
    return *this;
  }
  Reply& h(int64_t v) { lo_message_add_int64(m, v); return *this; }
  Reply& f(double v) { lo_message_add_float(m, static_cast<float>(v)); return *this; }
};

}  // namespace ngsynth::live::detail
