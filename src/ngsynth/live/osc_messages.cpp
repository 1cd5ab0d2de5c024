// The table of OSC messages and their handlers (see osc_messages.h).
#include "ngsynth/live/osc_messages.h"

#include <cstddef>
#include <limits>
#include <optional>

#include <nlohmann/json.hpp>

#include "ngsynth/util/error.h"

namespace ngsynth::live {

namespace detail {

namespace {

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

}  // namespace

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

}  // namespace detail

const std::vector<MessageDoc>& osc_messages() {
  static const std::vector<MessageDoc> docs = [] {
    std::vector<MessageDoc> d;
    for (const detail::Route& r : detail::routes()) d.push_back(r.doc);
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

}  // namespace ngsynth::live
