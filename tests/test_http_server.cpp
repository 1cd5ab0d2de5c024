// The HTTP server on a stand-in instrument, without LibTorch, so that it also runs under
// ThreadSanitizer (scripts/sanitize.sh tsan): clients on several threads at once while the
// audio clock runs, in both audio modes, each getting whole and right answers. What the
// server says about a real model is tested end to end in test_http_serve.cpp.
#include "ngsynth/serve/http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "fake_instrument.h"
#include "ngsynth/live/pattern.h"
#include "test_support.h"

namespace ngsynth {
namespace {
using nlohmann::json;

struct ServerRig {
  test::ScratchDir dir{"http_server"};
  test::FakeInstrument fake{2000};
  std::unique_ptr<live::Performer> performer;
  std::atomic<bool> stop{false};
  std::thread clock;  // the audio clock `ngsynth serve` runs without JACK
  std::unique_ptr<serve::HttpServer> server;

  explicit ServerRig(bool jack) {
    live::PerformerOptions po;
    po.write_dir = dir.path();
    performer = std::make_unique<live::Performer>(fake, live::default_pattern(fake.classes()), po);
    clock = std::thread([this] {
      std::vector<float> block(256);
      while (!stop) {
        performer->engine().process(block);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
    serve::HttpOptions ho;
    ho.port = 0;
    ho.jack = jack;
    ho.threads = 4;
    ho.log = [](const std::string&) {};
    server = std::make_unique<serve::HttpServer>(*performer, ho);
  }
  ~ServerRig() {
    server->stop();
    stop = true;
    clock.join();
  }
};

// `rounds` rounds of every kind of request from `clients` threads at once; each reply is
// checked where it arrives. Returns the number of requests sent.
int hammer(ServerRig& rig, int clients, int rounds, bool jack) {
  std::vector<std::thread> threads;
  std::atomic<int> sent{0};
  for (int i = 0; i < clients; ++i)
    threads.emplace_back([&, i] {
      httplib::Client c("127.0.0.1", rig.server->port());
      c.set_read_timeout(30, 0);
      const auto check = [&](const httplib::Result& r, const std::string& what) {
        ++sent;
        if (!r) {
          ADD_FAILURE() << what << ": no reply (" << httplib::to_string(r.error()) << ")";
          return std::string();
        }
        EXPECT_EQ(r->status, 200) << what << ": " << r->body;
        return r->body;
      };
      const std::string cls = rig.fake.classes()[static_cast<std::size_t>(i) % 8];
      for (int r = 0; r < rounds; ++r) {
        const json status = json::parse(check(c.Get("/api/status"), "status"));
        EXPECT_TRUE(status.contains("frame"));
        const json sampled = json::parse(check(
            c.Post("/api/sample", json{{"class", cls}, {"seed", 10 * i + r}}.dump(), "application/json"),
            "sample"));
        EXPECT_TRUE(sampled.is_object());
        EXPECT_EQ(check(c.Get("/api/hit/" + cls), "hit").substr(0, 4), "RIFF");
        json pattern = json::parse(check(c.Get("/api/pattern"), "pattern"));
        pattern["tempo"] = 100 + i;
        pattern["tracks"][0]["steps"][r % 16] = 0.5;
        const json back = json::parse(check(c.Put("/api/pattern", pattern.dump(), "application/json"), "put"));
        EXPECT_EQ(back["tempo"], 100 + i);
        if (jack) {
          check(c.Post("/api/play", json{{"class", cls}}.dump(), "application/json"), "play");
          check(c.Post("/api/transport", json{{"playing", r % 2 == 0}}.dump(), "application/json"), "transport");
          check(c.Post("/api/stream", json{{"x", 0.1 * i}, {"y", -0.2}}.dump(), "application/json"), "stream");
        } else {
          const std::string wav = check(
              c.Post("/api/stream", json{{"x", 0.1 * i}, {"y", -0.2}, {"frames", 1024}}.dump(), "application/json"),
              "stream");
          EXPECT_EQ(wav.substr(0, 4), "RIFF");
        }
        check(c.Post("/api/stream/stop", "{}", "application/json"), "stream stop");
        if (r == rounds - 1) EXPECT_EQ(check(c.Get("/api/kit.zip"), "kit").substr(0, 4), "PK\x03\x04");
      }
    });
  for (std::thread& t : threads) t.join();
  return sent;
}

// The server's counts, once it has logged every request sent (it counts a request after
// its reply has gone out).
serve::HttpServer::Stats counted(const ServerRig& rig, int sent) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (rig.server->stats().requests < sent && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return rig.server->stats();
}

TEST(HttpServer, ConcurrentClientsGetWholeAnswersInBrowserMode) {
  ServerRig rig(false);
  const int sent = hammer(rig, 4, 6, false);
  const auto stats = counted(rig, sent);
  EXPECT_EQ(stats.requests, sent);
  EXPECT_EQ(stats.errors, 0);
  // The pattern is one of those written, whole.
  httplib::Client c("127.0.0.1", rig.server->port());
  const auto r = c.Get("/api/pattern");
  ASSERT_TRUE(r);
  const json p = json::parse(r->body);
  EXPECT_TRUE(std::set<int>({100, 101, 102, 103}).count(p["tempo"].get<int>())) << p["tempo"];
  EXPECT_EQ(p["tracks"].size(), 8u);
}

TEST(HttpServer, ConcurrentClientsPlayThroughTheEngineInJackMode) {
  ServerRig rig(true);
  const int64_t notes_before = rig.performer->engine().notes_started();
  const int sent = hammer(rig, 4, 6, true);
  const auto stats = counted(rig, sent);
  EXPECT_EQ(stats.requests, sent);
  EXPECT_EQ(stats.errors, 0);
  // Every /api/play reached the engine (24 of them), the drum machine's notes on top.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (rig.performer->engine().notes_started() - notes_before < 24 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_GE(rig.performer->engine().notes_started() - notes_before, 24);
}

}  // namespace
}  // namespace ngsynth
