// JACK output against a real jackd (jackd2) running the dummy driver at 16 kHz, started by
// the test under a unique server name: the engine plays a drum pattern for about a second
// through the client's process callback. Skipped (with the reason) only when jackd cannot
// start here.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jack/jack.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fake_instrument.h"
#include "ngsynth/live/drum_machine.h"
#include "ngsynth/live/engine.h"
#include "ngsynth/live/jack_output.h"
#include "ngsynth/util/error.h"
#include "test_support.h"

extern char** environ;

namespace ngsynth::live {
namespace {
using namespace std::chrono_literals;

// Silences libjack's error messages (it prints them while no server answers) for a scope.
struct QuietJack {
  QuietJack() { jack_set_error_function([](const char*) {}); }
  ~QuietJack() { jack_set_error_function([](const char* m) { std::fprintf(stderr, "jack: %s\n", m); }); }
};

// jackd -n NAME --no-realtime -d dummy -r 16000 -p 256, shared by the suite.
class JackdDummy {
 public:
  JackdDummy() : dir_("jackd") {
    name_ = "ngsynth-test-" + std::to_string(::getpid());
    log_ = dir_ / "jackd.log";
    const std::vector<std::string> args = {"jackd", "-n", name_, "--no-realtime", "-d", "dummy",
                                           "-r", "16000", "-p", "256"};
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    const int rc = posix_spawnp(&pid_, "jackd", &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
      pid_ = -1;
      why_ = "cannot run jackd: " + std::string(std::strerror(rc));
      return;
    }
    // Ready when a client can connect (up to 5 s); libjack's complaints while it is not
    // are silenced.
    QuietJack quiet;
    Engine probe(engine_options(), [](const NoteRequest&, std::span<float>) { return 0; });
    JackOptions o;
    o.server_name = name_;
    o.client_name = "probe";
    for (int i = 0; i < 100; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        why_ = "jackd exited at once: " + log_tail();
        return;
      }
      try {
        JackOutput out(probe, o);
        ready_ = true;
        return;
      } catch (const Error&) {
        std::this_thread::sleep_for(50ms);
      }
    }
    why_ = "jackd did not accept clients within 5 s: " + log_tail();
  }
  ~JackdDummy() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 400 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i) std::this_thread::sleep_for(5ms);
    if (::waitpid(pid_, &status, WNOHANG) == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
  }

  static EngineOptions engine_options() {
    EngineOptions o;
    o.sample_rate = 16000;
    o.latency_frames = 1024;
    o.max_note_frames = 4000;
    o.max_voices = 32;
    o.note_buffers = 80;
    o.max_streams = 0;
    return o;
  }

  bool ready() const { return ready_; }
  const std::string& why() const { return why_; }
  const std::string& name() const { return name_; }
  std::string log_tail() const {
    std::ifstream in(log_);
    std::stringstream s;
    s << in.rdbuf();
    const std::string all = s.str();
    return all.size() > 600 ? all.substr(all.size() - 600) : all;
  }

 private:
  test::ScratchDir dir_;
  std::filesystem::path log_;
  std::string name_, why_;
  pid_t pid_ = -1;
  bool ready_ = false;
};

class JackOutputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { jackd_ = new JackdDummy(); }
  static void TearDownTestSuite() {
    delete jackd_;
    jackd_ = nullptr;
  }
  void SetUp() override {
    if (!jackd_->ready()) GTEST_SKIP() << "jackd (dummy driver) cannot start here: " << jackd_->why();
  }
  JackOptions options(const std::string& client) const {
    JackOptions o;
    o.server_name = jackd_->name();
    o.client_name = client;
    return o;
  }
  static JackdDummy* jackd_;
};
JackdDummy* JackOutputTest::jackd_ = nullptr;

TEST_F(JackOutputTest, PlaysADrumPatternThroughTheDummyDriver) {
  test::FakeInstrument fake(1500);
  DrumMachine dm(fake, default_pattern(fake.classes()));
  Engine engine(JackdDummy::engine_options(), dm.renderer());
  JackOutput out(engine, options("ngsynth-play"));
  EXPECT_EQ(out.sample_rate(), 16000);
  EXPECT_EQ(out.buffer_size(), 256);
  EXPECT_EQ(out.port_name(), out.client_name() + ":out");
  EXPECT_TRUE(out.connections().empty());
  const int64_t frame0 = engine.current_frame();
  dm.play(engine);
  std::this_thread::sleep_for(1000ms);
  dm.stop();
  const int64_t frames = out.frames_processed();
  EXPECT_GT(frames, 16000 / 2);  // the dummy driver runs in real time
  EXPECT_GT(out.callbacks(), 0);
  EXPECT_EQ(frames % 256, 0);
  EXPECT_GE(engine.current_frame() - frame0, frames - 256 * 2);  // the engine advanced with JACK
  EXPECT_GT(engine.notes_started(), 0);  // the pattern's hits played
  EXPECT_FALSE(out.rate_mismatch());
  EXPECT_FALSE(out.server_gone());
}

TEST_F(JackOutputTest, ConnectsToThePlaybackPorts) {
  Engine engine(JackdDummy::engine_options(), [](const NoteRequest&, std::span<float>) { return 0; });
  JackOptions o = options("ngsynth-connect");
  o.connect = true;
  JackOutput out(engine, o);
  const std::vector<std::string> c = out.connections();
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c[0], "system:playback_1");
}

// An engine at 22050 Hz on the 16 kHz server: resampled in the callback, so the engine
// advances 22050 frames for every 16000 the server plays.
TEST_F(JackOutputTest, AnotherSampleRateIsResampled) {
  EngineOptions eo = JackdDummy::engine_options();
  eo.sample_rate = 22050;
  Engine engine(eo, [](const NoteRequest&, std::span<float>) { return 0; });
  JackOutput out(engine, options("ngsynth-rate"));
  EXPECT_TRUE(out.resampling());
  const auto until = std::chrono::steady_clock::now() + 3s;
  while (out.frames_processed() < 8000 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(10ms);
  const int64_t played = out.frames_processed(), advanced = engine.current_frame();
  ASSERT_GE(played, 8000) << "the dummy driver did not run";
  EXPECT_NEAR(double(advanced) / double(played), 22050.0 / 16000.0, 0.1)
      << advanced << " engine frames for " << played << " JACK frames";
}

TEST_F(JackOutputTest, NoServerIsAnError) {
  Engine engine(JackdDummy::engine_options(), [](const NoteRequest&, std::span<float>) { return 0; });
  JackOptions o = options("ngsynth-none");
  o.server_name = "ngsynth-no-such-server-" + std::to_string(::getpid());
  QuietJack quiet;
  try {
    JackOutput out(engine, o);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot connect to JACK server 'ngsynth-no-such-server"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace ngsynth::live
