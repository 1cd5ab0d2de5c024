#include "ngsynth/live/osc_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <lo/lo.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "ngsynth/util/error.h"

namespace ngsynth::live {

namespace {

constexpr std::size_t kMaxPacket = 65536;
constexpr int kMaxBundleDepth = 8;

// ---------------------------------------------------------------- arguments

// One parameter of a message, parsed from MessageDoc::args.
struct Param {
  std::string name;
  char kind = 's';  // 's' string, 'i' integer, 'f' number, 'c' class or track (name or index)
  bool optional = false;
};

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

struct Value {
  bool present = false;
  std::string s;  // 's' and 'c'
  int64_t i = 0;  // 'i'
  double f = 0;   // 'f'
};

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

// liblo's arguments sit at 4-byte offsets in the packet, so an 8-byte member of lo_arg
// may be misaligned: every value is copied out byte-wise (found by fuzz/fuzz_osc, UBSan).
template <typename T>
T arg_value(const lo_arg* a) {
  T v;
  std::memcpy(&v, a, sizeof v);
  return v;
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

// ---------------------------------------------------------------- replies

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

struct Context;
using Handler = void (*)(Context& c, const std::vector<Value>& v, Reply& r);

struct Route {
  MessageDoc doc;
  Handler handle;
  std::vector<Param> params = {};
};

}  // namespace

// ---------------------------------------------------------------- the server

struct OscServer::Impl {
  Impl(Performer& p, OscOptions o) : performer(p), options(std::move(o)) {}
  ~Impl() {
    if (sock >= 0) ::close(sock);
    if (wake[0] >= 0) ::close(wake[0]);
    if (wake[1] >= 0) ::close(wake[1]);
  }

  void run();
  void handle_packet(char* data, std::size_t n, int depth);
  void handle_message(char* data, std::size_t n);
  void send_reply(const char* path, Reply& r);
  void error_reply(const std::string& command, const std::string& message);
  void log(const std::string& line);

  Performer& performer;
  const OscOptions options;
  int sock = -1;
  int wake[2] = {-1, -1};
  int bound_port = 0;
  std::string bound_host;
  std::thread thread;
  std::mutex stop_mu;
  bool stopped = false;

  // The packet being handled (server thread only).
  sockaddr_storage from{};
  socklen_t from_len = 0;
  std::string from_host;
  int from_port = 0;
  std::map<std::string, int> reply_ports;  // host -> port, set by /reply_to

  std::atomic<int64_t> n_packets{0}, n_messages{0}, n_errors{0}, n_malformed{0};
};

namespace {

struct Context {
  Performer& p;
  const std::string& from_host;              // the sender's numeric host
  std::map<std::string, int>& reply_ports;   // host -> reply port (/reply_to)
};

std::string class_name(Performer& p, int index) { return p.classes()[static_cast<std::size_t>(index)]; }

std::optional<uint64_t> seed_arg(const Value& v) {
  if (!v.present) return std::nullopt;
  if (v.i < 0) throw Error("seed " + std::to_string(v.i) + " is negative");
  return static_cast<uint64_t>(v.i);
}

int step_arg(const Value& v) {
  if (v.i < std::numeric_limits<int>::min() || v.i > std::numeric_limits<int>::max())
    throw Error("step " + std::to_string(v.i) + " is out of range");
  return static_cast<int>(v.i);
}

const std::vector<Route>& routes() {
  static const std::vector<Route> table = [] {
    std::vector<Route> t = {
        {{"/ping", "", "/ok ping ngsynth <sample_rate>", "Is the server alive?",
          "oscsend 127.0.0.1 9000 /ping"},
         [](Context& c, const std::vector<Value>&, Reply& r) { r.s("ngsynth").i(c.p.sample_rate()); }},
        {{"/help", "[path:s]", "/ok help <path>... | /ok help <path> <arguments> <help>",
          "The message paths, or one message's arguments and help.",
          "oscsend 127.0.0.1 9000 /help s /sample_note"},
         [](Context&, const std::vector<Value>& v, Reply& r) {
           if (!v[0].present) {
             for (const MessageDoc& d : osc_messages()) r.s(d.path);
             return;
           }
           for (const MessageDoc& d : osc_messages())
             if (d.path == v[0].s) {
               r.s(d.path).s(d.args).s(d.help);
               return;
             }
           throw Error("no message " + v[0].s);
         }},
        {{"/status", "",
          "/ok status <playing:i> <tempo:f> <swing:f> <class> <frame:h> <underruns:h> <notes:h>",
          "Sequencer state, current class, engine frame and counters.",
          "oscsend 127.0.0.1 9000 /status"},
         [](Context& c, const std::vector<Value>&, Reply& r) {
           Engine& e = c.p.engine();
           r.i(c.p.drums().playing() ? 1 : 0).f(c.p.drums().tempo()).f(c.p.drums().swing())
               .s(class_name(c.p, c.p.current_class())).h(e.current_frame()).h(e.underruns())
               .h(e.notes_started());
         }},
        {{"/reply_to", "<port:i>", "/ok reply_to <host> <port>",
          "Send replies to this host's messages to <port> (0: back to the sender's port).",
          "oscsend 127.0.0.1 9000 /reply_to i 9001"},
         [](Context& c, const std::vector<Value>& v, Reply& r) {
           if (v[0].i < 0 || v[0].i > 65535) throw Error("port " + std::to_string(v[0].i) + " is outside 0..65535");
           if (v[0].i == 0) {
             c.reply_ports.erase(c.from_host);
           } else {
             if (c.reply_ports.size() >= 256 && !c.reply_ports.count(c.from_host))
               throw Error("256 hosts have a reply port already");
             c.reply_ports[c.from_host] = static_cast<int>(v[0].i);
           }
           r.s(c.from_host).i(v[0].i);
         }},
        {{"/class", "<class:s|i>", "/ok class <name> <index>",
          "Set the class /xy and /sample_path play.", "oscsend 127.0.0.1 9000 /class s snare"},
         [](Context& c, const std::vector<Value>& v, Reply& r) {
           const int k = c.p.resolve_class(v[0].s);
           c.p.set_class(k);
           r.s(class_name(c.p, k)).i(k);
         }},
        {{"/sample_note", "<class:s|i> [seed:i] [temperature:f]",
          "/ok sample_note <class> <seed:h> <temperature:f> <frames>",
          "Re-sample the class's track buffer from the event prior and play it.",
          "oscsend 127.0.0.1 9000 /sample_note sif kick 7 0.8"},
         [](Context& c, const std::vector<Value>& v, Reply& r) {
           const int k = c.p.resolve_class(v[0].s);
           std::optional<float> temperature;
           if (v[2].present) temperature = static_cast<float>(v[2].f);
           const PlayedClip p = c.p.sample_note(k, seed_arg(v[1]), temperature);
           r.s(class_name(c.p, k)).h(static_cast<int64_t>(p.seed)).f(c.p.drums().temperature(k)).i(p.frames);
         }},
        {{"/sample_path", "[seconds:f] [seed:i]", "/ok sample_path <class> <seed:h> <frames>",
          "Play a random latent path of the current class (default 2 s).",
          "oscsend 127.0.0.1 9000 /sample_path f 1.5"},
         [](Context& c, const std::vector<Value>& v, Reply& r) {
           std::optional<double> seconds;
           if (v[0].present) seconds = v[0].f;
           const PlayedClip p = c.p.sample_path(seconds, seed_arg(v[1]));
           r.s(class_name(c.p, p.class_index)).h(static_cast<int64_t>(p.seed)).i(p.frames);
         }},
        {{"/xy", "<x:f> <y:f> [seed:i]", "/ok xy <class> <x:f> <y:f> <frames>",
          "Play the grain at (x, y) of the latent map's PCA plane, current class.",
          "oscsend 127.0.0.1 9000 /xy ff 0.25 -0.5"},
         [](Context& c, const std::vector<Value>& v, Reply& r) {
           const PlayedClip p = c.p.xy(static_cast<float>(v[0].f), static_cast<float>(v[1].f), seed_arg(v[2]));
           r.s(class_name(c.p, p.class_index)).f(v[0].f).f(v[1].f).i(p.frames);
         }},
        {{"/stream", "<x:f> <y:f>", "/ok stream <class> <x:f> <y:f>",
          "Play the latent map continuously: start a grain stream of the current class at (x, y), "
          "or move the running one there (an XY pad).",
          "oscsend 127.0.0.1 9000 /stream ff 1.5 -0.25"},
         [](Context& c, const std::vector<Value>& v, Reply& r) {
           const int k = c.p.stream(static_cast<float>(v[0].f), static_cast<float>(v[1].f));
           r.s(class_name(c.p, k)).f(v[0].f).f(v[1].f);
         }},
        {{"/stream_stop", "", "/ok stream_stop <was_playing:i>", "Fade the grain stream out.",
          "oscsend 127.0.0.1 9000 /stream_stop"},
         [](Context& c, const std::vector<Value>&, Reply& r) { r.i(c.p.stream_stop() ? 1 : 0); }},
        {{"/morph", "<a:s|i> <b:s|i> <t:f> [seed:i]", "/ok morph <a> <b> <t:f> <frames>",
          "Play the event at t (0..1) of the morph from class a to class b.",
          "oscsend 127.0.0.1 9000 /morph ssf kick snare 0.5"},
         [](Context& c, const std::vector<Value>& v, Reply& r) {
           const int a = c.p.resolve_class(v[0].s), b = c.p.resolve_class(v[1].s);
           const PlayedClip p = c.p.morph(a, b, static_cast<float>(v[2].f), seed_arg(v[3]));
           r.s(class_name(c.p, a)).s(class_name(c.p, b)).f(v[2].f).i(p.frames);
         }},
        {{"/write", "<track:s|i> <name:s>", "/ok write <track> <path> <frames>",
          "Write the track's current buffer as a 32-bit float WAV file named relative to the "
          "server's write folder (--write-dir); never outside it, never over a file the "
          "server did not write. The reply gives the full path.",
          "oscsend 127.0.0.1 9000 /write ss kick kick.wav"},
         [](Context& c, const std::vector<Value>& v, Reply& r) {
           const int k = c.p.resolve_class(v[0].s);
           const Performer::Written w = c.p.write_track(k, v[1].s);
           r.s(class_name(c.p, k)).s(w.path.string()).i(w.frames);
         }},
        {{"/play", "", "/ok play <tempo:f>", "Start the drum machine (no-op when playing).",
          "oscsend 127.0.0.1 9000 /play"},
         [](Context& c, const std::vector<Value>&, Reply& r) {
           if (!c.p.drums().playing()) c.p.drums().play(c.p.engine());
           r.f(c.p.drums().tempo());
         }},
        {{"/stop", "", "/ok stop", "Stop the drum machine (scheduled hits still sound).",
          "oscsend 127.0.0.1 9000 /stop"},
         [](Context& c, const std::vector<Value>&, Reply&) { c.p.drums().stop(); }},
        {{"/tempo", "<bpm:f>", "/ok tempo <bpm:f>", "Set the tempo, 20..999 BPM (a step is a 16th).",
          "oscsend 127.0.0.1 9000 /tempo f 96"},
         [](Context& c, const std::vector<Value>& v, Reply& r) {
           c.p.drums().set_tempo(v[0].f);
           r.f(c.p.drums().tempo());
         }},
        {{"/swing", "<amount:f>", "/ok swing <amount:f>",
          "Set the swing, 0..0.75: odd steps are delayed by amount x half a step.",
          "oscsend 127.0.0.1 9000 /swing f 0.3"},
         [](Context& c, const std::vector<Value>& v, Reply& r) {
           c.p.drums().set_swing(v[0].f);
           r.f(c.p.drums().swing());
         }},
        {{"/step", "<track:s|i> <step:i> <velocity:f>", "/ok step <track> <step> <velocity:f>",
          "Set a step of a track: 0 = rest, 1 = hit, or a velocity in between.",
          "oscsend 127.0.0.1 9000 /step sii hihat 3 1"},
         [](Context& c, const std::vector<Value>& v, Reply& r) {
           const int k = c.p.resolve_class(v[0].s);
           const int s = step_arg(v[1]);
           c.p.drums().set_step(k, s, static_cast<float>(v[2].f));
           r.s(class_name(c.p, k)).i(s).f(c.p.drums().step(k, s));
         }},
        {{"/gain", "<track:s|i> <gain:f>", "/ok gain <track> <gain:f>", "Set a track's gain, 0..16.",
          "oscsend 127.0.0.1 9000 /gain sf snare 0.8"},
         [](Context& c, const std::vector<Value>& v, Reply& r) {
           const int k = c.p.resolve_class(v[0].s);
           c.p.drums().set_gain(k, static_cast<float>(v[1].f));
           r.s(class_name(c.p, k)).f(c.p.drums().gain(k));
         }},
        {{"/pattern", "", "/ok pattern <json:s>", "The current pattern as JSON (the drums file format).",
          "oscsend 127.0.0.1 9000 /pattern"},
         [](Context& c, const std::vector<Value>&, Reply& r) {
           r.s(nlohmann::json(c.p.drums().pattern()).dump());
         }},
    };
    for (Route& route : t) route.params = parse_params(route.doc.args);
    return t;
  }();
  return table;
}

// Printable, bounded text of untrusted bytes for logs and replies.
std::string clean(const char* s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n && out.size() < 64; ++i) {
    const unsigned char ch = static_cast<unsigned char>(s[i]);
    out += (ch >= 0x20 && ch < 0x7f) ? static_cast<char>(ch) : '?';
  }
  if (n > 64) out += "...";
  return out;
}

const char* lo_error_text(int code) {
  switch (code) {
    case LO_ENOPATH: return "no path";
    case LO_ENOTYPE: return "no type tag string";
    case LO_EINVALIDPATH: return "invalid path";
    case LO_EINVALIDTYPE: return "invalid type tag string";
    case LO_EBADTYPE: return "unknown type";
    case LO_ESIZE: return "size mismatch";
    case LO_EINVALIDARG: return "invalid argument";
    case LO_ETERM: return "unterminated string";
    case LO_EPAD: return "bad padding";
    case LO_EINVALIDBUND: return "invalid bundle";
    case LO_EINVALIDTIME: return "invalid time tag";
    case LO_EALLOC: return "out of memory";
    default: return "invalid message";
  }
}

uint32_t read_be32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return ntohl(v);
}

}  // namespace

const std::vector<MessageDoc>& osc_messages() {
  static const std::vector<MessageDoc> docs = [] {
    std::vector<MessageDoc> d;
    for (const Route& r : routes()) d.push_back(r.doc);
    return d;
  }();
  return docs;
}

std::string osc_messages_markdown() {
  const auto cell = [](const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '|') out += "\\|";
      else out += c;
    }
    return out;
  };
  std::string md = "| path | arguments | reply | what | example |\n|---|---|---|---|---|\n";
  for (const MessageDoc& d : osc_messages())
    md += "| `" + d.path + "` | " + (d.args.empty() ? "" : "`" + cell(d.args) + "`") + " | `" +
          cell(d.reply) + "` | " + cell(d.help) + " | `" + d.example + "` |\n";
  return md;
}

void OscServer::Impl::log(const std::string& line) {
  if (options.log) {
    options.log(line);
    return;
  }
  std::fprintf(stderr, "%s\n", line.c_str());
}

void OscServer::Impl::send_reply(const char* path, Reply& r) {
  sockaddr_storage to = from;
  const auto it = reply_ports.find(from_host);
  const int port = it != reply_ports.end() ? it->second : options.reply_port;
  if (port > 0) {
    if (to.ss_family == AF_INET) reinterpret_cast<sockaddr_in*>(&to)->sin_port = htons(static_cast<uint16_t>(port));
    else if (to.ss_family == AF_INET6) reinterpret_cast<sockaddr_in6*>(&to)->sin6_port = htons(static_cast<uint16_t>(port));
  }
  std::size_t size = lo_message_length(r.m, path);
  std::vector<char> bytes(size);
  if (!lo_message_serialise(r.m, path, bytes.data(), &size)) return;
  // Best effort: UDP to a closed port or a full buffer loses the reply, never the server.
  (void)::sendto(sock, bytes.data(), size, MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to), from_len);
}

void OscServer::Impl::error_reply(const std::string& command, const std::string& message) {
  n_errors.fetch_add(1);
  std::string one_line = message;
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  log("osc: " + from_host + ":" + std::to_string(from_port) + " " + command + ": " + one_line);
  Reply r;
  r.s(command).s(one_line);
  send_reply("/error", r);
}

void OscServer::Impl::handle_packet(char* data, std::size_t n, int depth) {
  if (n >= 8 && std::memcmp(data, "#bundle", 8) == 0) {
    const auto bad = [&](const std::string& why) {
      n_malformed.fetch_add(1);
      error_reply("?", "malformed bundle: " + why);
    };
    if (depth >= kMaxBundleDepth) return bad("nested more than 8 deep");
    if (n < 16) return bad("shorter than 16 bytes");
    std::size_t pos = 16;
    while (pos < n) {
      if (n - pos < 4) return bad("truncated element size");
      const uint32_t size = read_be32(data + pos);
      pos += 4;
      if (size == 0 || size > n - pos || size % 4 != 0)
        return bad("element size " + std::to_string(size) + " does not fit");
      handle_packet(data + pos, size, depth + 1);
      pos += size;
    }
    return;
  }
  handle_message(data, n);
}

void OscServer::Impl::handle_message(char* data, std::size_t n) {
  n_messages.fetch_add(1);
  if (n == 0 || data[0] != '/') {
    n_malformed.fetch_add(1);
    error_reply("?", "malformed packet (" + std::to_string(n) + " bytes): not an OSC message or bundle");
    return;
  }
  const std::size_t path_len = strnlen(data, n);
  const std::string path = clean(data, path_len);
  const std::string command = path.substr(1);
  if (path_len == n) {
    n_malformed.fetch_add(1);
    error_reply(command, "malformed message: unterminated path");
    return;
  }
  int result = 0;
  lo_message m = lo_message_deserialise(data, n, &result);
  if (!m) {
    n_malformed.fetch_add(1);
    error_reply(command, std::string("malformed message: ") + lo_error_text(result) + " (liblo error " +
                             std::to_string(result) + ")");
    return;
  }
  struct Free {
    lo_message m;
    ~Free() { lo_message_free(m); }
  } guard{m};

  const Route* route = nullptr;
  for (const Route& r : routes())
    if (r.doc.path == path) route = &r;
  if (!route) {
    error_reply(command, "unknown message " + path + " (send /help for the list)");
    return;
  }
  const char* types = lo_message_get_types(m);
  lo_arg** argv = lo_message_get_argv(m);
  const int argc = lo_message_get_argc(m);
  const std::vector<Param>& params = route->params;
  const std::string usage = "usage: " + path + (route->doc.args.empty() ? "" : " " + route->doc.args);
  const int required = static_cast<int>(std::count_if(params.begin(), params.end(), [](const Param& p) { return !p.optional; }));
  if (argc < required || argc > static_cast<int>(params.size())) {
    error_reply(command, std::to_string(argc) + " argument" + (argc == 1 ? "" : "s") + " given; " + usage);
    return;
  }
  std::vector<Value> values(params.size());
  for (int k = 0; k < argc; ++k) {
    const Param& p = params[static_cast<std::size_t>(k)];
    const char t = types[k];
    Value& v = values[static_cast<std::size_t>(k)];
    v.present = true;
    bool ok = true;
    if (p.kind == 's') {
      ok = t == 's' || t == 'S';
      if (ok) v.s = reinterpret_cast<const char*>(argv[k]);
    } else if (p.kind == 'c') {
      if (t == 's' || t == 'S') v.s = reinterpret_cast<const char*>(argv[k]);
      else if (auto i = as_integer(t, argv[k])) v.s = std::to_string(*i);
      else ok = false;
    } else if (p.kind == 'i') {
      auto i = as_integer(t, argv[k]);
      ok = i.has_value();
      if (ok) v.i = *i;
    } else {
      auto f = as_number(t, argv[k]);
      ok = f.has_value() && std::isfinite(*f);
      if (ok) v.f = *f;
    }
    if (!ok) {
      const char* want = p.kind == 's' ? "a string" : p.kind == 'c' ? "a name or an index"
                       : p.kind == 'i' ? "an integer" : "a finite number";
      error_reply(command, "argument " + std::to_string(k + 1) + " (" + p.name + ") must be " + want +
                               ", got " + type_name(t) + "; " + usage);
      return;
    }
  }
  Reply r;
  r.s(command);
  Context c{performer, from_host, reply_ports};
  try {
    route->handle(c, values, r);
  } catch (const std::exception& e) {
    error_reply(command, e.what());
    return;
  }
  send_reply("/ok", r);
}

void OscServer::Impl::run() {
  std::vector<char> buf(kMaxPacket);
  pollfd fds[2] = {{sock, POLLIN, 0}, {wake[0], POLLIN, 0}};
  for (;;) {
    fds[0].revents = fds[1].revents = 0;
    const int ready = ::poll(fds, 2, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      log(std::string("osc: poll failed: ") + std::strerror(errno) + "; server stopped");
      return;
    }
    if (fds[1].revents) return;
    // Drain what is there; the socket is non-blocking.
    for (int burst = 0; burst < 256; ++burst) {
      from_len = sizeof(from);
      const ssize_t got = ::recvfrom(sock, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &from_len);
      if (got < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        if (errno == EINTR || errno == ECONNREFUSED) continue;  // ICMP from an old reply
        log(std::string("osc: receive failed: ") + std::strerror(errno));
        break;
      }
      n_packets.fetch_add(1);
      char host[NI_MAXHOST] = "?", serv[NI_MAXSERV] = "0";
      if (::getnameinfo(reinterpret_cast<sockaddr*>(&from), from_len, host, sizeof(host), serv, sizeof(serv),
                        NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        std::strcpy(host, "?");
        std::strcpy(serv, "0");
      }
      from_host = host;
      from_port = std::atoi(serv);
      try {
        handle_packet(buf.data(), static_cast<std::size_t>(got), 0);
      } catch (const std::exception& e) {  // e.g. bad_alloc: keep serving
        log(std::string("osc: ") + e.what());
      }
    }
  }
}

OscServer::OscServer(Performer& performer, OscOptions options)
    : impl_(std::make_unique<Impl>(performer, std::move(options))) {
  Impl& m = *impl_;
  if (m.options.port < 0 || m.options.port > 65535)
    throw Error("osc: port " + std::to_string(m.options.port) + " is outside 0..65535");
  if (m.options.reply_port < 0 || m.options.reply_port > 65535)
    throw Error("osc: reply port " + std::to_string(m.options.reply_port) + " is outside 0..65535");
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(m.options.port);
  const char* host = m.options.address.empty() ? nullptr : m.options.address.c_str();
  if (int rc = ::getaddrinfo(host, port.c_str(), &hints, &res); rc != 0)
    throw Error("osc: cannot resolve address '" + m.options.address + "': " + gai_strerror(rc));
  std::string why = "no address";
  for (addrinfo* a = res; a; a = a->ai_next) {
    const int s = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (s < 0) {
      why = std::strerror(errno);
      continue;
    }
    if (::bind(s, a->ai_addr, a->ai_addrlen) == 0) {
      m.sock = s;
      break;
    }
    why = std::strerror(errno);
    ::close(s);
  }
  ::freeaddrinfo(res);
  if (m.sock < 0)
    throw Error("osc: cannot bind " + m.options.address + ":" + port + ": " + why);
  const int rcvbuf = 1 << 20;
  (void)::setsockopt(m.sock, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  sockaddr_storage local{};
  socklen_t len = sizeof(local);
  ::getsockname(m.sock, reinterpret_cast<sockaddr*>(&local), &len);
  char hbuf[NI_MAXHOST] = "", sbuf[NI_MAXSERV] = "";
  ::getnameinfo(reinterpret_cast<sockaddr*>(&local), len, hbuf, sizeof(hbuf), sbuf, sizeof(sbuf),
                NI_NUMERICHOST | NI_NUMERICSERV);
  m.bound_host = hbuf;
  m.bound_port = std::atoi(sbuf);
  if (::pipe2(m.wake, O_CLOEXEC | O_NONBLOCK) != 0)
    throw Error(std::string("osc: pipe failed: ") + std::strerror(errno));
  m.thread = std::thread([&m] { m.run(); });
}

OscServer::~OscServer() { stop(); }

void OscServer::stop() {
  std::lock_guard lk(impl_->stop_mu);
  if (impl_->stopped) return;
  impl_->stopped = true;
  const char x = 1;
  (void)!::write(impl_->wake[1], &x, 1);
  if (impl_->thread.joinable()) impl_->thread.join();
}

int OscServer::port() const { return impl_->bound_port; }

std::string OscServer::url() const {
  const std::string host = impl_->bound_host.find(':') != std::string::npos ? "[" + impl_->bound_host + "]"
                                                                              : impl_->bound_host;
  return "osc.udp://" + host + ":" + std::to_string(impl_->bound_port) + "/";
}

OscServer::Stats OscServer::stats() const {
  Stats s;
  s.packets = impl_->n_packets.load();
  s.messages = impl_->n_messages.load();
  s.errors = impl_->n_errors.load();
  s.malformed = impl_->n_malformed.load();
  return s;
}

}  // namespace ngsynth::live
