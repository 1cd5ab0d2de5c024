// `ngsynth serve --http` as a real program on a model trained here on a real Hydrogen kit,
// driven by curl (the API: good and bad requests, uploads, a flood of garbage, the kit
// download) and by headless Chromium through puppeteer-core (the page: no console errors,
// the map drawn from the model's points, pads, the stream, the sequencer, a dropped sound),
// with the page's screenshot kept as a test artefact.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <regex>

#include <nlohmann/json.hpp>

#include "child_process.h"
#include "ngsynth/audio/audio_file.h"
#include "ngsynth/audio/resample.h"
#include "ngsynth/data/hydrogen_kit.h"
#include "ngsynth/live/pattern.h"
#include "ngsynth/model/device.h"
#include "ngsynth/model/model_file.h"
#include "ngsynth/synth/autoencode.h"
#include "ngsynth/synth/model_instrument.h"
#include "ngsynth/util/atomic_file.h"
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;
std::string q(const fs::path& p) { return test::quote(p); }

struct Reply {
  int status = 0;
  std::string body;
  json j() const {
    try {
      return json::parse(body);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not JSON: " << body.substr(0, 200);
      return json();
    }
  }
};

class HttpServeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::ScratchDir("http-serve");
    kit_ = test::drumkits_dir() / "HardElectro1";
    for (const std::string& step :
         {" prepare " + q(kit_) + " -o " + q(out("he.ngd")),
          " train --data " + q(out("he.ngd")) + " -o " + q(out("grain")) + " --max-steps 6" + test::kTinyGrainArgs,
          " export " + q(out("grain")) + " -o " + q(out("grain.ngs")) + " --no-classifier",
          " train --stage temporal --model " + q(out("grain.ngs")) + " --data " +
              q(out("he.ngd")) + " -o " + q(out("event")) + " --max-steps 6" + test::kTinyEventArgs,
          " export " + q(out("event")) + " -o " + q(model()) + " --no-classifier"}) {
      const auto r = test::run_command(test::cli() + step);
      ASSERT_EQ(r.exit_code, 0) << step << "\n" << r.output;
    }
    // Uploads are limited to 1 MB here, so that an oversized one is quick to make.
    server_ = new test::Child({NGSYNTH_CLI, "serve", "--model", model().string(), "--osc", "0",
                               "--http", "0", "--max-upload-mb", "1", "--seed", "3"},
                              out("serve.log"));
    ASSERT_TRUE(server_->ok());
    const std::regex re("HTTP on http://127\\.0\\.0\\.1:([0-9]+)/");
    std::smatch m;
    std::string log;
    for (int i = 0; i < 600; ++i) {
      log = test::slurp(out("serve.log"));
      if (std::regex_search(log, m, re)) break;
      std::this_thread::sleep_for(20ms);
    }
    ASSERT_TRUE(std::regex_search(log, m, re)) << log;
    base_ = "http://127.0.0.1:" + m[1].str();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  static fs::path model() { return dir_->path() / "he.ngs"; }
  static fs::path out(const std::string& name) { return dir_->path() / name; }

  // curl ARGS URL: status and body (the body through a file, so binary replies survive).
  static Reply curl(const std::string& args, const std::string& path) {
    const fs::path body = out("reply.bin");
    fs::remove(body);
    const auto r = test::run_command("curl -s -S --max-time 60 -o " + q(body) + " -w '%{http_code}' " + args +
                                     " '" + base_ + path + "'");
    Reply reply;
    reply.status = std::atoi(r.output.c_str());
    if (fs::exists(body)) reply.body = read_file(body);
    return reply;
  }
  static Reply get(const std::string& path) { return curl("", path); }
  static Reply post_json(const std::string& path, const std::string& body, const char* method = "POST") {
    std::ofstream(out("body.json")) << body;
    return curl(std::string("-X ") + method + " -H 'Content-Type: application/json' --data-binary @" +
                    q(out("body.json")),
                path);
  }
  static std::vector<float> wav(const Reply& r) {
    EXPECT_EQ(r.status, 200) << r.body.substr(0, 300);
    write_file_atomically(out("reply.wav"), r.body);
    return read_audio(out("reply.wav")).samples;
  }
  static void expect_error(const Reply& r, int status, const std::string& needle) {
    EXPECT_EQ(r.status, status) << r.body.substr(0, 300);
    const json j = r.j();
    ASSERT_TRUE(j.is_object() && j.contains("error")) << r.body.substr(0, 300);
    EXPECT_NE(j["error"].get<std::string>().find(needle), std::string::npos) << j["error"];
  }
  static void expect_alive() {
    const Reply r = get("/api/info");
    EXPECT_EQ(r.status, 200) << "the server no longer answers; log:\n" << test::slurp(out("serve.log"));
  }

  static test::ScratchDir* dir_;
  static test::Child* server_;
  static fs::path kit_;
  static std::string base_;
};
test::ScratchDir* HttpServeTest::dir_ = nullptr;
test::Child* HttpServeTest::server_ = nullptr;
fs::path HttpServeTest::kit_;
std::string HttpServeTest::base_;

TEST_F(HttpServeTest, InfoClassesMapAndThePageDescribeTheModel) {
  Model m = load_model(model());
  const json info = get("/api/info").j();
  EXPECT_EQ(info["classes"].get<std::vector<std::string>>(), m.info.classes);
  EXPECT_EQ(info["sample_rate"], m.info.grain.sample_rate);
  EXPECT_EQ(info["event_frames"], m.info.grain.event_length());
  EXPECT_EQ(info["stream_chunk_frames"], m.info.grain.hop);
  EXPECT_EQ(info["audio"], "browser");
  EXPECT_EQ(info["name"], "he");
  const json classes = get("/api/classes").j();
  ASSERT_EQ(classes.size(), m.info.classes.size());
  EXPECT_EQ(classes[0]["name"], m.info.classes[0]);
  EXPECT_EQ(classes[0]["frames"], m.info.grain.event_length());
  const json map = get("/api/map").j();
  ASSERT_EQ(map["points"].size(), m.info.map.n_points());
  ASSERT_GT(m.info.map.n_points(), 10u);
  EXPECT_NEAR(map["points"][5][0].get<double>(), m.info.map.xy[10], 1e-3);
  EXPECT_NEAR(map["points"][5][1].get<double>(), m.info.map.xy[11], 1e-3);
  EXPECT_EQ(map["points"][5][2], m.info.map.point_class[5]);
  EXPECT_NEAR(map["x_range"][0].get<double>(), m.info.map.x_min, 1e-5);
  const Reply page = get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<canvas id=\"map\""), std::string::npos);
  EXPECT_NE(page.body.find("/app.js"), std::string::npos);
  EXPECT_NE(get("/app.js").body.find("decodeAudioData"), std::string::npos);
  EXPECT_EQ(get("/style.css").status, 200);
}

// A hit is the drum machine's track buffer: re-sampled with a seed, it is exactly the
// model's event for that seed.
TEST_F(HttpServeTest, HitsAreTheModelsEventsAsWav) {
  Model m = load_model(model());
  set_threads(1);
  ModelInstrument instrument(m);
  const std::string cls = m.info.classes.at(1);
  const json r = post_json("/api/sample", R"({"class": ")" + cls + R"(", "seed": 7, "temperature": 0.8})").j();
  EXPECT_EQ(r["seed"], 7);
  EXPECT_NEAR(r["temperature"].get<double>(), 0.8, 1e-6);
  EXPECT_EQ(r["frames"], m.info.grain.event_length());
  const std::vector<float> hit = wav(get("/api/hit/" + cls));
  const std::vector<float> expected = instrument.sample_event(1, 7, 0.8f);
  ASSERT_EQ(hit.size(), expected.size());
  double diff = 0;
  for (std::size_t i = 0; i < hit.size(); ++i) diff = std::max(diff, double(std::fabs(hit[i] - expected[i])));
  EXPECT_LT(diff, 1e-4);
  // By index too; another seed gives another hit.
  post_json("/api/sample", R"({"class": 1, "seed": 8})");
  EXPECT_NE(wav(get("/api/hit/1")), hit);
  expect_error(post_json("/api/play", R"({"class": 0})"), 409, "serve with --jack");
}

TEST_F(HttpServeTest, TheStreamContinuesAcrossRequestsAndStops) {
  Model m = load_model(model());
  const int hop = m.info.grain.hop;
  const std::vector<float> a = wav(post_json("/api/stream", R"({"x": 0.5, "y": -0.2, "frames": 1000})"));
  const int64_t whole = (1000 + hop - 1) / hop * hop;  // rounded up to whole chunks
  ASSERT_EQ(static_cast<int64_t>(a.size()), whole);
  double energy = 0;
  for (float v : a) energy += double(v) * v;
  EXPECT_GT(energy, 1e-6);
  const std::vector<float> b = wav(post_json("/api/stream", R"({"x": 1.5, "y": 0.3, "frames": 512, "class": 0})"));
  EXPECT_EQ(static_cast<int64_t>(b.size()), (512 + hop - 1) / hop * hop);
  EXPECT_EQ(post_json("/api/stream/stop", "").j()["was_playing"], true);
  EXPECT_EQ(post_json("/api/stream/stop", "").j()["was_playing"], false);
  expect_error(post_json("/api/stream", R"({"x": 0.5, "y": 1})"), 400, "\"frames\" is missing");
  expect_error(post_json("/api/stream", R"({"x": 0.5, "frames": 256})"), 400, "\"y\" is missing");
  expect_error(post_json("/api/stream", R"({"x": 0.5, "y": 1, "frames": 999999})"), 400, "frames");
  expect_error(post_json("/api/stream", R"({"x": 0.5, "y": 1, "frames": 256, "class": "cowbell"})"), 400,
               "cowbell");
}

// A dropped sound: resynthesised like `ngsynth resynth`, its grains on the map, variations.
TEST_F(HttpServeTest, ResynthesisOfAnUploadedSound) {
  Model m = load_model(model());
  set_threads(1);
  const fs::path sound = kit_ / "PowR_SN_1.flac";
  const json r = curl("-H 'Content-Type: application/octet-stream' --data-binary @" + q(sound), "/api/resynth?class=" + m.info.classes[0] +
                                                        "&variations=3&seed=5&name=snare.flac").j();
  ASSERT_TRUE(r.contains("points")) << r.dump();
  const Audio in = read_audio(sound);
  const std::vector<float> x = resample(in.samples, in.sample_rate, m.info.grain.sample_rate);
  EXPECT_EQ(r["frames"], x.size());
  EXPECT_EQ(r["class"], m.info.classes[0]);
  EXPECT_EQ(r["name"], "snare.flac");
  EXPECT_EQ(r["points"].size(), static_cast<std::size_t>(m.vae->framing().grains_for(static_cast<int64_t>(x.size()))));
  EXPECT_LT(r["loudest"].get<int>(), static_cast<int>(r["points"].size()));
  ASSERT_EQ(r["variations"].size(), 3u);
  const std::vector<float> resynth = wav(get("/api/dropped/resynthesis"));
  const AutoencodeResult expected = autoencode(m.vae, x, 0, 5);
  ASSERT_EQ(resynth.size(), expected.audio.size());
  double diff = 0;
  for (std::size_t i = 0; i < resynth.size(); ++i) diff = std::max(diff, double(std::fabs(resynth[i] - expected.audio[i])));
  EXPECT_LT(diff, 1e-4);
  const std::vector<float> v0 = wav(get("/api/dropped/variation/0")), v1 = wav(get("/api/dropped/variation/1"));
  EXPECT_EQ(static_cast<int>(v0.size()), m.info.grain.event_length());
  EXPECT_NE(v0, v1);
  expect_error(get("/api/dropped/variation/3"), 404, "variation/0..2");
  // A variation becomes a pad's hit.
  const json used = post_json("/api/dropped/use", R"({"source": "variation/1", "class": 0})").j();
  EXPECT_EQ(used["frames"], v1.size());
  EXPECT_EQ(wav(get("/api/hit/0")), v1);
  // Multipart form upload (curl -F), the closest class chosen.
  const json f = curl("-F sound=@" + q(kit_ / "CHH_1.flac"), "/api/resynth?variations=0").j();
  EXPECT_EQ(f["class_chosen"], true);
  EXPECT_EQ(f["name"], "CHH_1.flac");
  EXPECT_EQ(f["variations"].size(), 0u);
}

TEST_F(HttpServeTest, BadRequestsGetOneJsonErrorNamingTheProblem) {
  // Oversized upload: 2 MB against the 1 MB limit.
  std::string big(2u << 20, '\0');
  write_file_atomically(out("big.wav"), big);
  expect_error(curl("-H 'Content-Type: application/octet-stream' --data-binary @" + q(out("big.wav")), "/api/resynth"), 413, "larger than 1048576 bytes");
  // Not audio.
  write_file_atomically(out("notes.txt"), "these are not the sounds you are looking for\n");
  expect_error(curl("-H 'Content-Type: application/octet-stream' --data-binary @" + q(out("notes.txt")), "/api/resynth?name=notes.txt"), 415,
               "notes.txt: not a sound file");
  // Too long once decoded: a minute at 1 Hz, a few bytes.
  write_file_atomically(out("long.wav"), wav_bytes(std::vector<float>(60, 0.1f), 1, "pcm16"));
  expect_error(curl("-H 'Content-Type: application/octet-stream' --data-binary @" + q(out("long.wav")), "/api/resynth?name=long.wav"), 413,
               "long.wav: 60.000000 s long, at most 30");
  // A header that claims 4 GB of samples in a file of a few bytes: refused or read as what
  // is there, and the server goes on.
  std::string lie = wav_bytes(std::vector<float>(8, 0.1f), 8000, "pcm16");
  const std::size_t data = lie.find("data");
  ASSERT_NE(data, std::string::npos);
  for (int b = 0; b < 4; ++b) lie[data + 4 + b] = static_cast<char>(0xF0 | (b ? 0xFF : 0));
  write_file_atomically(out("lie.wav"), lie);
  const Reply liar = curl("-H 'Content-Type: application/octet-stream' --data-binary @" + q(out("lie.wav")), "/api/resynth?variations=0");
  EXPECT_TRUE(liar.status == 200 || liar.status == 415) << liar.status << " " << liar.body.substr(0, 200);
  expect_alive();
  expect_error(curl("-H 'Content-Type: application/octet-stream' --data-binary ''", "/api/resynth"), 400,
               "no sound in the request body");
  expect_error(curl("-X POST", "/api/resynth"), 400, "POST without a body (no Content-Length)");
  expect_error(curl("-H 'Content-Type: application/octet-stream' --data-binary @" + q(kit_ / "CHH_1.flac"), "/api/resynth?class=cowbell"), 400,
               "cowbell");
  expect_error(curl("-H 'Content-Type: application/octet-stream' --data-binary @" + q(kit_ / "CHH_1.flac"), "/api/resynth?variations=99"), 400,
               "variations");
  expect_error(curl("-H 'Content-Type: application/octet-stream' --data-binary @" + q(kit_ / "CHH_1.flac"), "/api/resynth?spread=abc"), 400,
               "spread=abc is not a number");
  // Unknown class.
  expect_error(get("/api/hit/cowbell"), 404, "cowbell");
  expect_error(post_json("/api/sample", R"({"class": "cowbell"})"), 400, "cowbell");
  expect_error(post_json("/api/sample", R"({"class": 99})"), 400, "99");
  expect_error(post_json("/api/sample", R"({"seed": 1})"), 400, "\"class\" is missing");
  expect_error(post_json("/api/sample", R"({"class": 0, "temperature": "hot"})"), 400,
               "\"temperature\" must be a number");
  expect_error(post_json("/api/sample", R"({"class": 0, "seed": -4})"), 400, "non-negative integer");
  // Malformed JSON.
  expect_error(post_json("/api/sample", R"({"class": "kick",)"), 400, "malformed JSON body");
  expect_error(post_json("/api/sample", "[1, 2]"), 400, "must be an object");
  expect_error(post_json("/api/pattern", R"({"tempo": 120, "steps": 16, "tracks": [}")", "PUT"), 400,
               "malformed JSON body");
  // Found by fuzz_http: bytes that are not UTF-8 in a malformed body were quoted in the
  // error, whose JSON could then not be written: an HTTP 500 with no JSON at all.
  const Reply not_utf8 = post_json("/api/pattern", "{\"tempo\": 120, \"swing\":\xe0\xce.8}", "PUT");
  expect_error(not_utf8, 400, "malformed JSON body");
  expect_error(post_json("/api/pattern", R"({"tempo": 5000, "steps": 16, "tracks": []})", "PUT"), 400,
               "tempo");
  expect_error(post_json("/api/pattern", R"({"steps": 8, "tracks": []})", "PUT"), 400, "steps 8 differs");
  expect_error(post_json("/api/pattern", R"({"tracks": [{"class": "cowbell", "steps": "x"}]})", "PUT"), 400,
               "steps");
  expect_error(post_json("/api/transport", R"({"playing": "yes"})"), 400, "\"playing\" must be true or false");
  // Unknown paths and methods.
  expect_error(get("/api/nothing"), 404, "no such path: GET /api/nothing");
  expect_error(get("/../../etc/passwd"), 404, "no such path");
  expect_error(curl("-X DELETE", "/api/pattern"), 404, "no such path");
  expect_alive();
}

// Thousands of bad requests and raw garbage: the server goes on answering, writes nothing.
TEST_F(HttpServeTest, SurvivesAFloodOfBadRequests) {
  std::ofstream config(out("flood.curl"));
  const char* bodies[] = {"{", "[]", "{\"class\": \"cowbell\"}", "\"x\"", "{\"class\": 0, \"seed\": 1e300}", "null"};
  const char* paths[] = {"/api/sample", "/api/stream", "/api/pattern", "/api/dropped/use", "/api/resynth", "/api/nope"};
  auto quoted = [](std::string v) {
    std::string out;
    for (char c : v) out += c == '"' ? std::string("\\\"") : std::string(1, c);
    return "\"" + out + "\"";
  };
  int n = 0;
  for (int i = 0; i < 2000; ++i, ++n) {
    if (i) config << "next\n";
    config << "url = \"" << base_ << paths[i % 6] << "\"\n"
           << "data-binary = " << quoted(bodies[(i / 6) % 6]) << "\n"
           << "request = \"" << (i % 7 == 0 ? "PUT" : "POST") << "\"\n"
           << "output = \"/dev/null\"\n"
           << "write-out = \"%{http_code}\\n\"\n";
  }
  config.close();
  const auto r = test::run_command("curl -s -K " + q(out("flood.curl")));
  std::istringstream codes(r.output);
  std::string code;
  int answered = 0, client_errors = 0;
  while (codes >> code) {
    ++answered;
    if (code.size() == 3 && code[0] == '4') ++client_errors;
  }
  EXPECT_EQ(answered, n);
  EXPECT_EQ(client_errors, n) << "every request of the flood is a bad one";
  // Raw TCP garbage: random bytes, half requests, connections closed at once.
  const int port = std::atoi(base_.substr(base_.rfind(':') + 1).c_str());
  std::mt19937 rng(1);
  for (int i = 0; i < 300; ++i) {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    ASSERT_EQ(::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    std::string junk;
    if (i % 3 == 0) junk = "GET /api/info HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n";
    else if (i % 3 == 1) junk = "POST /api/sample HTTP/1.1\r\nContent-Le";
    for (int k = 0; k < 200; ++k) junk += static_cast<char>(rng() & 0xFF);
    (void)::send(s, junk.data(), junk.size(), MSG_NOSIGNAL);
    ::close(s);
  }
  expect_alive();
  EXPECT_EQ(get("/api/classes").status, 200);
}

// The pattern is the `ngsynth drums` format both ways; the kit download unpacks to WAVs
// that are the hits, a Hydrogen kit and the pattern.
TEST_F(HttpServeTest, PatternRoundTripAndKitDownload) {
  Model m = load_model(model());
  json p = get("/api/pattern").j();
  ASSERT_EQ(p["tracks"].size(), m.info.classes.size());
  p["tempo"] = 96;
  p["swing"] = 0.25;
  p["tracks"][0]["steps"][3] = 0.5;
  const json back = post_json("/api/pattern", p.dump(), "PUT").j();
  EXPECT_EQ(back["tempo"], 96);
  EXPECT_EQ(back["tracks"][0]["steps"][3], 0.5);
  EXPECT_EQ(get("/api/pattern").j(), back);
  // What the server holds, `ngsynth drums` renders.
  write_file_atomically(out("served.json"), back.dump());
  const auto d = test::run_command(test::cli() + " drums --model " + q(model()) + " " + q(out("served.json")) +
                                   " -o " + q(out("served.wav")));
  EXPECT_EQ(d.exit_code, 0) << d.output;
  // A pattern written by `ngsynth drums` loads.
  ASSERT_EQ(test::run_command(test::cli() + " drums --model " + q(model()) + " --write-pattern " + q(out("default.json"))).exit_code, 0);
  EXPECT_EQ(post_json("/api/pattern", read_file(out("default.json")), "PUT").status, 200);

  const Reply zip = get("/api/kit.zip");
  ASSERT_EQ(zip.status, 200);
  write_file_atomically(out("kit.zip"), zip.body);
  const fs::path kit = out("kit");
  const auto u = test::run_command("unzip -q -o " + q(out("kit.zip")) + " -d " + q(kit));
  ASSERT_EQ(u.exit_code, 0) << u.output;
  const HydrogenKit h = load_hydrogen_kit(kit);
  ASSERT_EQ(h.instruments.size(), m.info.classes.size());
  for (std::size_t k = 0; k < m.info.classes.size(); ++k) {
    EXPECT_EQ(h.instruments[k].name, m.info.classes[k]);
    ASSERT_EQ(h.instruments[k].samples.size(), 1u);
    EXPECT_EQ(read_audio(h.instruments[k].samples[0]).samples, wav(get("/api/hit/" + std::to_string(k))));
  }
  EXPECT_EQ(json(live::read_pattern(kit / "pattern.json")), get("/api/pattern").j());
}

// The page in headless Chromium (tests/web/page_test.mjs through puppeteer-core): loads
// without console errors, draws the model's points, pads fetch and decode hits, a drag on
// the map streams, the sequencer plays, a dropped sound comes back; screenshot kept.
TEST_F(HttpServeTest, ThePageInHeadlessChromium) {
  const fs::path web = fs::path(NGSYNTH_SOURCE_DIR) / "tests" / "web";
  ASSERT_TRUE(fs::exists(web / "node_modules" / "puppeteer-core"))
      << "puppeteer-core is missing: run scripts/setup.sh (npm ci in tests/web)";
  ASSERT_TRUE(fs::exists("/usr/bin/chromium")) << "chromium is missing: run scripts/setup.sh";
  const fs::path shots = fs::current_path() / "test-artifacts";
  fs::create_directories(shots);
  const auto r = test::run_command("node " + q(web / "page_test.mjs") + " " + base_ + "/ " +
                                   q(shots / "web_page.png") + " " + q(kit_ / "PowR_SN_1.flac") + " 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::cout << r.output;
  EXPECT_TRUE(fs::exists(shots / "web_page.png"));
  expect_alive();
}

// With --jack the page's requests play on the server: jackd's dummy driver at 48 kHz.
TEST_F(HttpServeTest, WithJackRequestsPlayOnTheServer) {
  const std::string name = "ngsynth-http-" + std::to_string(::getpid());
  test::Child jackd({"jackd", "-n", name, "--no-realtime", "-d", "dummy", "-r", "48000", "-p", "512"},
                    out("jackd.log"));
  ASSERT_TRUE(jackd.ok());
  std::unique_ptr<test::Child> server;
  std::string log;
  const std::regex re("HTTP on (http://127\\.0\\.0\\.1:[0-9]+)/");
  std::smatch m;
  for (int attempt = 0; attempt < 40; ++attempt) {  // until jackd accepts clients
    server = std::make_unique<test::Child>(
        std::vector<std::string>{NGSYNTH_CLI, "serve", "--model", model().string(), "--osc", "0",
                                 "--http", "0", "--jack", "--jack-server", name},
        out("serve-jack.log"));
    for (int i = 0; i < 200; ++i) {
      log = test::slurp(out("serve-jack.log"));
      if (std::regex_search(log, m, re) || log.find("error") != std::string::npos) break;
      std::this_thread::sleep_for(50ms);
    }
    if (std::regex_search(log, m, re)) break;
    server.reset();
    std::this_thread::sleep_for(250ms);
  }
  ASSERT_TRUE(std::regex_search(log, m, re)) << log;
  const std::string saved = base_;
  base_ = m[1].str();
  const json info = get("/api/info").j();
  EXPECT_EQ(info["audio"], "jack");
  EXPECT_NE(info["audio_detail"].get<std::string>().find("48000 Hz"), std::string::npos) << info.dump();
  const json s0 = get("/api/status").j();
  EXPECT_EQ(post_json("/api/play", R"({"class": 0})").status, 200);
  EXPECT_EQ(post_json("/api/sample", R"({"class": 1, "seed": 4})").j()["seed"], 4);
  const json st = post_json("/api/stream", R"({"x": 0.1, "y": 0.2, "class": 1})").j();
  EXPECT_EQ(st["audio"], "jack");
  EXPECT_EQ(post_json("/api/transport", R"({"playing": true})").j()["playing"], true);
  std::this_thread::sleep_for(1s);
  const json s1 = get("/api/status").j();
  EXPECT_EQ(s1["playing"], true);
  EXPECT_EQ(s1["streams"], 1);
  EXPECT_GT(s1["frame"].get<int64_t>(), s0["frame"].get<int64_t>() + 8000);
  EXPECT_GE(s1["notes"].get<int64_t>(), s0["notes"].get<int64_t>() + 3);  // play, sample, the loop
  EXPECT_EQ(post_json("/api/stream/stop", "").j()["was_playing"], true);
  EXPECT_EQ(post_json("/api/transport", R"({"playing": false})").j()["playing"], false);
  base_ = saved;
}

}  // namespace
}  // namespace ngsynth
