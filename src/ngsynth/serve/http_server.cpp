#include "ngsynth/serve/http_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "ngsynth/audio/audio_file.h"
#include "ngsynth/audio/resample.h"
#include "ngsynth/serve/kit_archive.h"
#include "ngsynth/serve/web_assets.h"
#include "ngsynth/util/error.h"

namespace ngsynth::serve {

using nlohmann::json;

const WebAsset* find_web_asset(std::string_view path) {
  if (path == "/") path = "/index.html";
  for (const WebAsset& a : web_assets())
    if (a.path == path) return &a;
  return nullptr;
}

namespace {

// A request that cannot be served: its status and one line for the {"error": ...} reply.
struct HttpError {
  int status;
  std::string message;
};

// cpp-httplib's thread pool queues connections without bound; this one makes the
// accepting thread wait while `max_pending` connections wait already, so a flood fills the
// kernel's listen backlog instead of memory.
class BoundedPool : public httplib::TaskQueue {
 public:
  BoundedPool(int threads, std::size_t max_pending) : max_pending_(max_pending) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
  }
  void enqueue(std::function<void()> fn) override {
    std::unique_lock lk(mu_);
    room_.wait(lk, [&] { return jobs_.size() < max_pending_ || quit_; });
    jobs_.push_back(std::move(fn));
    ready_.notify_one();
  }
  void shutdown() override {
    {
      std::lock_guard lk(mu_);
      quit_ = true;
    }
    ready_.notify_all();
    room_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lk(mu_);
        ready_.wait(lk, [&] { return !jobs_.empty() || quit_; });
        if (jobs_.empty()) return;
        fn = std::move(jobs_.front());
        jobs_.pop_front();
      }
      room_.notify_one();
      fn();
    }
  }
  const std::size_t max_pending_;
  std::mutex mu_;
  std::condition_variable ready_, room_;
  std::deque<std::function<void()>> jobs_;
  bool quit_ = false;
  std::vector<std::thread> threads_;
};

// A JSON reply's text. Messages may quote what a request sent, bytes that need not be
// UTF-8 (a malformed body): those are replaced rather than thrown on.
std::string json_text(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json parse_object(const httplib::Request& req) {
  if (req.body.empty()) return json::object();
  json j;
  try {
    j = json::parse(req.body);
  } catch (const json::exception& e) {
    throw HttpError{400, std::string("malformed JSON body: ") + e.what()};
  }
  if (!j.is_object()) throw HttpError{400, "the JSON body must be an object"};
  return j;
}

std::optional<double> number_field(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) throw HttpError{400, std::string("\"") + key + "\" must be a number"};
  const double v = it->get<double>();
  if (!std::isfinite(v)) throw HttpError{400, std::string("\"") + key + "\" must be finite"};
  return v;
}

double required_number(const json& j, const char* key) {
  const auto v = number_field(j, key);
  if (!v) throw HttpError{400, std::string("\"") + key + "\" is missing"};
  return *v;
}

std::optional<uint64_t> seed_field(const json& j, const char* key = "seed") {
  const auto v = number_field(j, key);
  if (!v) return std::nullopt;
  if (*v < 0 || *v != std::floor(*v) || *v > 9.0e15)
    throw HttpError{400, std::string("\"") + key + "\" must be a non-negative integer"};
  return static_cast<uint64_t>(*v);
}

// A query parameter as a number; nullopt when absent or empty.
std::optional<double> number_param(const httplib::Request& req, const char* key) {
  if (!req.has_param(key)) return std::nullopt;
  const std::string s = req.get_param_value(key);
  if (s.empty()) return std::nullopt;
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != s.size() || !std::isfinite(v))
    throw HttpError{400, std::string("parameter ") + key + "=" + s.substr(0, 40) + " is not a number"};
  return v;
}

std::string file_name_of(const std::string& cls) {
  std::string out;
  for (char c : cls) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  return out.empty() ? "class" : out;
}

}  // namespace

struct HttpServer::Impl {
  Impl(live::Performer& p, HttpOptions o) : performer(p), options(std::move(o)) {}

  live::Performer& performer;
  const HttpOptions options;
  httplib::Server server;
  std::thread thread;
  int bound_port = 0;
  int listen_socket = -1;  // the listening socket, as cpp-httplib made it
  std::mutex stop_mu;
  bool stopped = false;
  std::atomic<int64_t> n_requests{0}, n_errors{0};

  // The page's grain stream (browser mode): its own renderer, chunk counter and class.
  std::mutex stream_mu;
  live::StreamRenderer stream_renderer;
  int64_t stream_chunk = -1;  // next chunk; -1: not running
  int stream_class = 0;
  int64_t stream_starts = 0;

  // The last dropped sound and what the model made of it.
  std::mutex dropped_mu;
  std::mutex pattern_mu;  // set_pattern
  std::optional<live::SoundAnalysis> dropped;
  std::vector<float> dropped_original;

  void log(const std::string& line) const {
    if (options.log) options.log(line);
    else std::fprintf(stderr, "%s\n", line.c_str());
  }
  int resolve(const std::string& name_or_index, int status) const {
    try {
      return performer.resolve_class(name_or_index);
    } catch (const Error& e) {
      throw HttpError{status, e.what()};
    }
  }
  int class_field(const json& j, bool required) const {
    auto it = j.find("class");
    if (it == j.end() || it->is_null()) {
      if (required) throw HttpError{400, "\"class\" is missing"};
      return -1;
    }
    if (it->is_string()) return resolve(it->get<std::string>(), 400);
    if (it->is_number_integer()) return resolve(std::to_string(it->get<int64_t>()), 400);
    throw HttpError{400, "\"class\" must be a class name or index"};
  }
  void need_jack(const char* what) const {
    if (!options.jack)
      throw HttpError{409, std::string(what) + ": audio plays in the browser; serve with --jack "
                           "to play it on the server"};
  }

  json info() const;
  json classes_json() const;
  json map_json() const;
  void send_wav(httplib::Response& res, const std::vector<float>& samples) const;
  void stream(const httplib::Request& req, httplib::Response& res);
  void resynth(const httplib::Request& req, httplib::Response& res);
  const std::vector<float>& dropped_sound(const std::string& source) const;  // dropped_mu held
  json set_pattern(const json& j);
  std::string kit_zip() const;
  void routes();
};

json HttpServer::Impl::info() const {
  live::Instrument& in = performer.instrument();
  const int rate = performer.sample_rate();
  const int latency = performer.engine().latency_frames();
  return {{"name", options.model_name},
          {"sample_rate", rate},
          {"classes", performer.classes()},
          {"event_frames", in.event_frames()},
          {"stream_chunk_frames", in.stream_chunk_frames()},
          {"steps", performer.drums().steps()},
          {"audio", options.jack ? "jack" : "browser"},
          {"audio_detail", options.audio_detail},
          {"latency_frames", latency},
          {"latency_ms", 1e3 * latency / rate},
          {"map", in.latent_map() != nullptr && !in.latent_map()->empty()},
          {"max_upload_bytes", options.max_upload_bytes},
          {"max_upload_seconds", options.max_upload_seconds},
          {"max_stream_frames", options.max_stream_frames}};
}

json HttpServer::Impl::classes_json() const {
  json out = json::array();
  live::DrumMachine& d = performer.drums();
  for (int k = 0; k < d.tracks(); ++k)
    out.push_back({{"name", performer.classes()[static_cast<std::size_t>(k)]},
                   {"index", k},
                   {"seed", d.seed(k)},
                   {"temperature", d.temperature(k)},
                   {"gain", d.gain(k)},
                   {"frames", d.buffer(k).size()}});
  return out;
}

json HttpServer::Impl::map_json() const {
  const LatentMap* m = performer.instrument().latent_map();
  if (!m || m->empty()) throw HttpError{404, "the model has no latent map (export computes one)"};
  json points = json::array();
  auto r3 = [](float v) { return std::round(double(v) * 1000.0) / 1000.0; };
  for (std::size_t i = 0; i < m->n_points(); ++i)
    points.push_back({r3(m->xy[2 * i]), r3(m->xy[2 * i + 1]), m->point_class[i]});
  return {{"x_range", {m->x_min, m->x_max}},
          {"y_range", {m->y_min, m->y_max}},
          {"explained", m->explained},
          {"classes", performer.classes()},
          {"points", std::move(points)}};
}

void HttpServer::Impl::send_wav(httplib::Response& res, const std::vector<float>& samples) const {
  res.set_content(wav_bytes(samples, performer.sample_rate(), "float"), "audio/wav");
  res.set_header("Cache-Control", "no-store");
}

void HttpServer::Impl::stream(const httplib::Request& req, httplib::Response& res) {
  const json j = parse_object(req);
  const double x = required_number(j, "x"), y = required_number(j, "y");
  if (std::fabs(x) > 1e6 || std::fabs(y) > 1e6) throw HttpError{400, "x and y must be within +-1e6"};
  const int k = class_field(j, false);
  const auto frames = number_field(j, "frames");
  if (!frames) {
    if (!options.jack)
      throw HttpError{400, "\"frames\" is missing: in browser mode /api/stream returns the "
                           "stream's next frames as WAV"};
    if (k >= 0) performer.set_class(k);
    const int c = performer.stream(static_cast<float>(x), static_cast<float>(y));
    res.set_content(json_text({{"class", performer.classes()[static_cast<std::size_t>(c)]}, {"x", x}, {"y", y},
                               {"audio", "jack"}}), "application/json");
    return;
  }
  if (*frames < 1 || *frames > options.max_stream_frames || *frames != std::floor(*frames))
    throw HttpError{400, "\"frames\" must be an integer within 1.." + std::to_string(options.max_stream_frames)};
  live::Instrument& in = performer.instrument();
  const int chunk = in.stream_chunk_frames();
  if (chunk <= 0) throw HttpError{409, "this instrument plays no streams"};
  const int cls = k >= 0 ? k : performer.current_class();
  const int64_t n_chunks = (static_cast<int64_t>(*frames) + chunk - 1) / chunk;
  std::vector<float> out(static_cast<std::size_t>(n_chunks * chunk), 0.0f);
  {
    std::lock_guard lk(stream_mu);
    if (!stream_renderer) stream_renderer = in.stream_renderer(1);
    if (stream_chunk < 0 || cls != stream_class) {
      stream_chunk = 0;
      stream_class = cls;
      ++stream_starts;
    }
    const float params[2] = {static_cast<float>(x), static_cast<float>(y)};
    live::StreamState s;
    s.id = 0;
    s.tag = static_cast<uint64_t>(cls);
    s.start_frame = stream_starts;
    s.params = params;
    for (int64_t c = 0; c < n_chunks; ++c)
      stream_renderer(s, stream_chunk++, std::span<float>(out).subspan(static_cast<std::size_t>(c * chunk), chunk));
  }
  send_wav(res, out);
  res.set_header("X-Stream-Class", performer.classes()[static_cast<std::size_t>(cls)]);
}

void HttpServer::Impl::resynth(const httplib::Request& req, httplib::Response& res) {
  std::string_view bytes = req.body;
  std::string name = "upload";
  httplib::MultipartFormData f;  // get_file_value returns a copy: kept while `bytes` views it
  if (req.is_multipart_form_data()) {
    if (!req.has_file("sound")) throw HttpError{400, "multipart upload without a \"sound\" field"};
    f = req.get_file_value("sound");
    bytes = f.content;
    if (!f.filename.empty()) name = f.filename.substr(0, 100);
  } else if (req.has_param("name")) {
    name = req.get_param_value("name").substr(0, 100);
  }
  if (bytes.empty()) throw HttpError{400, "no sound in the request body"};
  const int max_rate = 384000;
  Audio a;
  try {
    a = decode_audio(bytes, name, static_cast<int64_t>(options.max_upload_seconds * max_rate));
  } catch (const AudioFileError& e) {
    throw HttpError{415, e.what()};
  }
  const double seconds = double(a.samples.size()) / a.sample_rate;
  if (a.sample_rate > max_rate) throw HttpError{415, name + ": sample rate above 384 kHz"};
  if (seconds > options.max_upload_seconds)
    throw HttpError{413, name + ": " + std::to_string(seconds) + " s long, at most " +
                             std::to_string(options.max_upload_seconds) + " s"};
  int cls = -1;
  if (req.has_param("class") && !req.get_param_value("class").empty() &&
      req.get_param_value("class") != "auto")
    cls = resolve(req.get_param_value("class"), 400);
  const double variations = number_param(req, "variations").value_or(4);
  const double spread = number_param(req, "spread").value_or(0.5);
  if (variations < 0 || variations > 16 || variations != std::floor(variations))
    throw HttpError{400, "variations must be an integer within 0..16"};
  if (spread < 0 || spread > 4) throw HttpError{400, "spread must be within 0..4"};
  const auto seed_v = number_param(req, "seed");
  if (seed_v && (*seed_v < 0 || *seed_v != std::floor(*seed_v) || *seed_v > 9.0e15))
    throw HttpError{400, "seed must be a non-negative integer"};
  const uint64_t seed = seed_v ? static_cast<uint64_t>(*seed_v) : performer.next_seed();
  std::vector<float> x = resample(a.samples, a.sample_rate, performer.sample_rate());
  live::SoundAnalysis s = performer.instrument().analyse_sound(x, cls, static_cast<int>(variations),
                                                               static_cast<float>(spread), seed);
  json points = json::array();
  for (const auto& p : s.map_points)
    points.push_back({std::round(p[0] * 1000.0) / 1000.0, std::round(p[1] * 1000.0) / 1000.0});
  json vars = json::array();
  for (std::size_t i = 0; i < s.variations.size(); ++i)
    vars.push_back("/api/dropped/variation/" + std::to_string(i));
  json reply = {{"name", name},
                {"seconds", seconds},
                {"source_rate", a.sample_rate},
                {"channels", a.channels},
                {"frames", x.size()},
                {"class", performer.classes()[static_cast<std::size_t>(s.class_index)]},
                {"class_index", s.class_index},
                {"class_chosen", cls < 0},
                {"seed", seed},
                {"points", std::move(points)},
                {"loudest", s.loudest},
                {"original", "/api/dropped/original"},
                {"resynthesis", "/api/dropped/resynthesis"},
                {"variations", std::move(vars)}};
  {
    std::lock_guard lk(dropped_mu);
    dropped = std::move(s);
    dropped_original = std::move(x);
  }
  res.set_content(json_text(reply), "application/json");
}

const std::vector<float>& HttpServer::Impl::dropped_sound(const std::string& source) const {
  if (!dropped) throw HttpError{404, "no sound has been dropped yet (POST one to /api/resynth)"};
  if (source == "resynthesis") return dropped->resynthesis;
  if (source == "original") return dropped_original;
  const std::string prefix = "variation/";
  if (source.rfind(prefix, 0) == 0) {
    const std::string n = source.substr(prefix.size());
    if (!n.empty() && n.size() < 4 && std::all_of(n.begin(), n.end(), ::isdigit)) {
      const std::size_t i = std::stoul(n);
      if (i < dropped->variations.size()) return dropped->variations[i];
    }
  }
  throw HttpError{404, "no dropped sound \"" + source.substr(0, 40) +
                           "\" (resynthesis, original, variation/0.." +
                           std::to_string(static_cast<int>(dropped->variations.size()) - 1) + ")"};
}

json HttpServer::Impl::set_pattern(const json& j) {
  live::Pattern p;
  try {
    p = j.get<live::Pattern>();
  } catch (const Error& e) {
    throw HttpError{400, e.what()};
  } catch (const json::exception& e) {
    throw HttpError{400, std::string("pattern: ") + e.what()};
  }
  live::DrumMachine& d = performer.drums();
  // One pattern at a time: two PUTs at once would otherwise leave a mix of both.
  std::lock_guard lk(pattern_mu);
  if (p.steps != d.steps())
    throw HttpError{400, "pattern: steps " + std::to_string(p.steps) + " differs from the server's " +
                             std::to_string(d.steps())};
  std::vector<const live::PatternTrack*> by_track(static_cast<std::size_t>(d.tracks()), nullptr);
  for (const live::PatternTrack& t : p.tracks) {
    const int k = resolve(t.class_name, 400);
    if (by_track[static_cast<std::size_t>(k)])
      throw HttpError{400, "pattern: class " + t.class_name + " appears twice"};
    by_track[static_cast<std::size_t>(k)] = &t;
  }
  d.set_tempo(p.tempo);
  d.set_swing(p.swing);
  for (int k = 0; k < d.tracks(); ++k) {
    const live::PatternTrack* t = by_track[static_cast<std::size_t>(k)];
    for (int s = 0; s < d.steps(); ++s) d.set_step(k, s, t ? t->steps[static_cast<std::size_t>(s)] : 0.0f);
    if (!t) continue;
    d.set_gain(k, t->gain);
    if (t->seed != d.seed(k) || t->temperature != d.temperature(k)) d.resample(k, t->seed, t->temperature);
  }
  return d.pattern();
}

std::string HttpServer::Impl::kit_zip() const {
  live::DrumMachine& d = performer.drums();
  std::vector<std::pair<std::string, std::string>> files, instruments;
  for (int k = 0; k < d.tracks(); ++k) {
    const std::string cls = performer.classes()[static_cast<std::size_t>(k)];
    const std::string wav = file_name_of(cls) + ".wav";
    const std::vector<float> b = d.buffer(k);
    if (b.empty()) continue;
    files.emplace_back(wav, wav_bytes(b, performer.sample_rate(), "float"));
    instruments.emplace_back(cls, wav);
  }
  std::string kit = options.model_name.empty() ? "ngsynth kit" : options.model_name + " kit";
  files.emplace_back("drumkit.xml", drumkit_xml(kit, instruments));
  files.emplace_back("pattern.json", json(d.pattern()).dump(2) + "\n");
  return zip_archive(files);
}

void HttpServer::Impl::routes() {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;
  auto json_reply = [](Res res, const json& j) { res.set_content(json_text(j), "application/json"); };
  // Every handler's errors become JSON replies.
  auto guard = [](auto handler) {
    return [handler](Req req, Res res) {
      int status = 500;
      std::string message;
      try {
        handler(req, res);
        return;
      } catch (const HttpError& e) {
        status = e.status;
        message = e.message;
      } catch (const Error& e) {
        status = 400;
        message = e.what();
      } catch (const std::exception& e) {
        message = std::string("internal error: ") + e.what();
      }
      res.status = status;
      res.set_content(json_text(json{{"error", message}}), "application/json");
    };
  };
  httplib::Server& s = server;

  for (const WebAsset& a : web_assets()) {
    const std::string path(a.path);
    auto serve = [&a](Req, Res res) {
      res.set_content(std::string(a.bytes), std::string(a.content_type));
      res.set_header("Cache-Control", "no-cache");
    };
    s.Get(path, serve);
    if (path == "/index.html") s.Get("/", serve);
  }

  s.Get("/api/info", guard([this, json_reply](Req, Res res) { json_reply(res, info()); }));
  s.Get("/api/status", guard([this, json_reply](Req, Res res) {
    live::Engine& e = performer.engine();
    json_reply(res, {{"playing", performer.drums().playing()}, {"tempo", performer.drums().tempo()},
                     {"frame", e.current_frame()}, {"underruns", e.underruns()},
                     {"notes", e.notes_started()}, {"streams", e.active_streams()}});
  }));
  s.Get("/api/classes", guard([this, json_reply](Req, Res res) { json_reply(res, classes_json()); }));
  s.Get("/api/map", guard([this, json_reply](Req, Res res) { json_reply(res, map_json()); }));
  s.Get(R"(/api/hit/([^/]+))", guard([this](Req req, Res res) {
    const int k = resolve(req.matches[1].str(), 404);
    const std::vector<float> b = performer.drums().buffer(k);
    if (b.empty()) throw HttpError{404, "the class's hit is empty"};
    send_wav(res, b);
    res.set_header("X-Seed", std::to_string(performer.drums().seed(k)));
  }));
  s.Post("/api/sample", guard([this, json_reply](Req req, Res res) {
    const json j = parse_object(req);
    const int k = class_field(j, true);
    const auto t = number_field(j, "temperature");
    if (t && (*t < 0 || *t > 10)) throw HttpError{400, "\"temperature\" must be within 0..10"};
    std::optional<float> temperature;
    if (t) temperature = static_cast<float>(*t);
    const auto seed = seed_field(j);
    live::DrumMachine& d = performer.drums();
    int64_t frames;
    uint64_t used_seed;
    if (options.jack) {
      const live::PlayedClip p = performer.sample_note(k, seed, temperature);
      frames = p.frames;
      used_seed = p.seed;
    } else {
      used_seed = seed ? *seed : performer.next_seed();
      frames = d.resample(k, used_seed, temperature ? *temperature : d.temperature(k));
    }
    json_reply(res, {{"class", performer.classes()[static_cast<std::size_t>(k)]}, {"index", k},
                     {"seed", used_seed}, {"temperature", d.temperature(k)}, {"frames", frames},
                     {"hit", "/api/hit/" + performer.classes()[static_cast<std::size_t>(k)]}});
  }));
  s.Post("/api/play", guard([this, json_reply](Req req, Res res) {
    const json j = parse_object(req);
    const int k = class_field(j, true);
    const double v = number_field(j, "velocity").value_or(1.0);
    if (v < 0 || v > 1) throw HttpError{400, "\"velocity\" must be within 0..1"};
    need_jack("play");
    live::NoteRequest r;
    r.class_index = k;
    r.tag = static_cast<uint64_t>(k);
    r.gain = static_cast<float>(v) * performer.drums().gain(k);
    const int64_t frame = performer.engine().current_frame() + performer.engine().latency_frames();
    if (!performer.engine().note_at(frame, r)) throw HttpError{503, "the engine's command ring is full"};
    json_reply(res, {{"class", performer.classes()[static_cast<std::size_t>(k)]}, {"frame", frame}});
  }));
  s.Post("/api/stream", guard([this](Req req, Res res) { stream(req, res); }));
  s.Post("/api/stream/stop", guard([this, json_reply](Req, Res res) {
    bool was;
    {
      std::lock_guard lk(stream_mu);
      was = stream_chunk >= 0;
      stream_chunk = -1;
    }
    if (options.jack) was = performer.stream_stop() || was;
    json_reply(res, {{"was_playing", was}});
  }));
  s.Post("/api/resynth", guard([this](Req req, Res res) { resynth(req, res); }));
  s.Get(R"(/api/dropped/(resynthesis|original|variation/[0-9]+))", guard([this](Req req, Res res) {
    std::lock_guard lk(dropped_mu);
    send_wav(res, dropped_sound(req.matches[1].str()));
  }));
  s.Post("/api/dropped/use", guard([this, json_reply](Req req, Res res) {
    const json j = parse_object(req);
    const int k = class_field(j, true);
    auto it = j.find("source");
    if (it == j.end() || !it->is_string()) throw HttpError{400, "\"source\" must be a string such as \"variation/0\""};
    std::vector<float> b;
    {
      std::lock_guard lk(dropped_mu);
      b = dropped_sound(it->get<std::string>());
    }
    const std::size_t n = b.size();
    performer.drums().set_buffer(k, std::move(b));
    json_reply(res, {{"class", performer.classes()[static_cast<std::size_t>(k)]}, {"frames", n}});
  }));
  s.Get("/api/pattern", guard([this, json_reply](Req, Res res) { json_reply(res, json(performer.drums().pattern())); }));
  auto put_pattern = guard([this, json_reply](Req req, Res res) {
    if (req.body.empty()) throw HttpError{400, "no pattern in the request body"};
    json_reply(res, set_pattern(parse_object(req)));
  });
  s.Put("/api/pattern", put_pattern);
  s.Post("/api/pattern", put_pattern);
  s.Post("/api/transport", guard([this, json_reply](Req req, Res res) {
    const json j = parse_object(req);
    auto it = j.find("playing");
    if (it == j.end() || !it->is_boolean()) throw HttpError{400, "\"playing\" must be true or false"};
    need_jack("transport");
    live::DrumMachine& d = performer.drums();
    if (it->get<bool>() && !d.playing()) d.play(performer.engine());
    if (!it->get<bool>()) d.stop();
    json_reply(res, {{"playing", d.playing()}, {"tempo", d.tempo()}});
  }));
  s.Get("/api/kit.zip", guard([this](Req, Res res) {
    res.set_content(kit_zip(), "application/zip");
    res.set_header("Content-Disposition", "attachment; filename=\"" +
                                              file_name_of(options.model_name.empty() ? "ngsynth" : options.model_name) +
                                              "-kit.zip\"");
  }));

  s.set_error_handler([this](Req req, Res res) {
    if (!res.body.empty() && res.get_header_value("Content-Type") == "application/json") return;
    std::string message;
    switch (res.status) {
      case 404: message = "no such path: " + req.method + " " + req.path.substr(0, 100); break;
      case 413:
        message = req.get_header_value("Content-Type") == "application/x-www-form-urlencoded"
                      ? "form-encoded bodies are limited to 8192 bytes: send a sound with "
                        "Content-Type: application/octet-stream (curl -H ...)"
                      : "request body larger than " + std::to_string(options.max_upload_bytes) + " bytes";
        break;
      case 405: message = "method " + req.method + " not allowed"; break;
      default:
        message = (req.method == "POST" || req.method == "PUT") && !req.has_header("Content-Length")
                      ? req.method + " without a body (no Content-Length)"
                      : "bad request (HTTP " + std::to_string(res.status) + ")";
    }
    res.set_content(json_text(json{{"error", message}}), "application/json");
  });
  // What escapes a handler (nothing should: guard catches) is an internal error, said as
  // JSON like every other, not as cpp-httplib's EXCEPTION_WHAT header.
  s.set_exception_handler([](Req, Res res, std::exception_ptr ep) {
    std::string message = "internal error";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      message += std::string(": ") + e.what();
    } catch (...) {
    }
    res.status = 500;
    res.set_content(json_text(json{{"error", message}}), "application/json");
  });
  s.set_logger([this](Req req, const httplib::Response& res) {
    ++n_requests;
    if (res.status >= 400) {
      ++n_errors;
      std::string line = "ngsynth serve: HTTP " + std::to_string(res.status) + " " + req.method + " " +
                         req.path.substr(0, 100);
      try {
        line += ": " + json::parse(res.body).value("error", "");
      } catch (const std::exception&) {
      }
      log(line.substr(0, 400));
    }
  });
}

HttpServer::HttpServer(live::Performer& performer, HttpOptions options)
    : impl_(std::make_unique<Impl>(performer, std::move(options))) {
  Impl& m = *impl_;
  const HttpOptions& o = m.options;
  if (o.threads < 1 || o.threads > 64) throw Error("http: threads must be within 1..64");
  m.server.new_task_queue = [threads = o.threads] { return new BoundedPool(threads, 64); };
  m.server.set_payload_max_length(o.max_upload_bytes);
  m.server.set_tcp_nodelay(true);  // else headers and body wait for delayed ACKs (~40 ms a request)
  m.server.set_read_timeout(5, 0);
  m.server.set_write_timeout(5, 0);
  m.server.set_keep_alive_max_count(100);
  m.server.set_keep_alive_timeout(2);
  m.routes();
  m.server.set_socket_options([&m](socket_t s) {
    httplib::default_socket_options(s);
    m.listen_socket = s;
  });
  if (o.port == 0) {
    m.bound_port = m.server.bind_to_any_port(o.address);
  } else if (m.server.bind_to_port(o.address, o.port)) {
    m.bound_port = o.port;
  }
  if (m.bound_port <= 0)
    throw Error("http: cannot bind " + o.address + ":" + std::to_string(o.port) +
                " (in use, or not an address of this machine)");
  // Debian's cpp-httplib listens with a backlog of 5, compiled in. When the workers are
  // busy, a burst of connections overflows it and the kernel drops their handshakes: each
  // such client waits for its SYN to be sent again, 1 s, then 3 s, with every server
  // thread idle by then (the fuzzer's "requests without a reply", counted as
  // TcpExtListenOverflows). listen() again on the socket raises the backlog.
  if (m.listen_socket >= 0) ::listen(m.listen_socket, SOMAXCONN);
  m.thread = std::thread([&m] { m.server.listen_after_bind(); });
  // stop() only stops a server that is listening: wait until it is.
  for (int i = 0; i < 2500 && !m.server.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

HttpServer::~HttpServer() { stop(); }

int HttpServer::port() const { return impl_->bound_port; }

std::string HttpServer::url() const {
  return "http://" + impl_->options.address + ":" + std::to_string(impl_->bound_port) + "/";
}

void HttpServer::stop() {
  std::lock_guard lk(impl_->stop_mu);
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

HttpServer::Stats HttpServer::stats() const { return {impl_->n_requests.load(), impl_->n_errors.load()}; }

}  // namespace ngsynth::serve
