// The OSC server driven by liblo's command-line tools as a real client: `oscsend` sends,
// `oscdump` (on a free port, named with /reply_to, since oscsend sends from an ephemeral
// port and exits) receives the replies. Also: /write produces the track's buffer as a WAV,
// argument and range errors are replied and logged, a flood of thousands of garbage and
// malformed packets leaves the server answering, bundles, and the documentation table.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lo/lo.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fake_instrument.h"
#include "ngsynth/audio/audio_file.h"
#include "ngsynth/live/osc_server.h"
#include "ngsynth/live/performer.h"
#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "test_support.h"
#include "child_process.h"

extern char** environ;

namespace ngsynth::live {
namespace {
using namespace std::chrono_literals;
using test::FakeInstrument;
using test::Child;
using test::dump_lines;
using test::DumpLine;
using test::free_udp_port;
using test::slurp;

std::string q(const std::string& s) { return "\"" + s + "\""; }

// The OSC bytes of a message built with liblo.
std::vector<char> serialise(const char* path, lo_message m) {
  std::size_t n = lo_message_length(m, path);
  std::vector<char> bytes(n);
  lo_message_serialise(m, path, bytes.data(), &n);
  lo_message_free(m);
  return bytes;
}

// A UDP socket of the test's own on 127.0.0.1, for raw packets.
class RawSocket {
 public:
  explicit RawSocket(int server_port) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    to_ = a;
    to_.sin_port = htons(static_cast<uint16_t>(server_port));
    timeval tv{0, 200000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~RawSocket() { ::close(fd_); }
  void send(const void* data, std::size_t n) {
    (void)::sendto(fd_, data, n, 0, reinterpret_cast<const sockaddr*>(&to_), sizeof(to_));
  }
  void send(const std::vector<char>& b) { send(b.data(), b.size()); }
  // The next reply as (path, first string argument, whole message), or empty on timeout.
  std::optional<std::pair<std::string, std::vector<std::string>>> receive() {
    std::vector<char> buf(65536);
    const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n <= 0) return std::nullopt;
    int result = 0;
    lo_message m = lo_message_deserialise(buf.data(), static_cast<std::size_t>(n), &result);
    if (!m) return std::nullopt;
    std::vector<std::string> strings;
    const char* types = lo_message_get_types(m);
    lo_arg** argv = lo_message_get_argv(m);
    for (int i = 0; i < lo_message_get_argc(m); ++i)
      if (types[i] == 's') strings.emplace_back(&argv[i]->s);
    lo_message_free(m);
    return std::make_pair(std::string(buf.data()), strings);
  }

 private:
  int fd_ = -1;
  sockaddr_in to_{};
};

class OscServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(out_dir());
    PerformerOptions po;
    po.write_dir = out_dir();
    performer_ = std::make_unique<Performer>(fake_, default_pattern(fake_.classes()), po);
    server_ = std::make_unique<OscServer>(*performer_, options());
    pump_ = std::thread([this] {
      std::vector<float> block(256);
      while (!stop_pump_.load()) {
        performer_->engine().process(block);
        std::this_thread::sleep_for(4ms);  // about four times real time at 16 kHz
      }
    });
  }
  void TearDown() override {
    server_.reset();
    stop_pump_.store(true);
    pump_.join();
    dump_.reset();
    performer_.reset();
  }

  OscOptions options(int reply_port = 0) {
    OscOptions o;
    o.port = 0;
    o.reply_port = reply_port;
    o.log = [this](const std::string& line) {
      std::lock_guard lk(log_mu_);
      log_.push_back(line);
    };
    return o;
  }

  // The server's write folder, inside the scratch folder.
  std::filesystem::path out_dir() const {
    return std::filesystem::weakly_canonical(dir_.path()) / "out";
  }

  std::vector<std::string> log() {
    std::lock_guard lk(log_mu_);
    return log_;
  }

  // Starts oscdump on a free port; with `handshake`, sends /reply_to and /ping until the
  // ping's reply shows up in its output.
  void start_dump(bool handshake = true) {
    dump_port_ = free_udp_port();
    dump_file_ = dir_ / ("dump-" + std::to_string(dump_port_) + ".txt");
    dump_ = std::make_unique<Child>(std::vector<std::string>{"oscdump", "-L", std::to_string(dump_port_)}, dump_file_);
    ASSERT_TRUE(dump_->ok()) << "cannot run oscdump";
    if (!handshake) return;
    for (int attempt = 0; attempt < 30; ++attempt) {
      osc("/reply_to i " + std::to_string(dump_port_));
      osc("/ping");
      if (wait_reply("ping", 100ms)) return;
    }
    FAIL() << "no reply in oscdump's output:\n" << slurp(dump_file_);
  }

  // Runs `oscsend 127.0.0.1 PORT ARGS` and expects it to succeed.
  void osc(const std::string& args, int port = -1) {
    const test::CommandResult r =
        test::run_command("oscsend 127.0.0.1 " + std::to_string(port < 0 ? server_->port() : port) + " " + args);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.output;
  }

  // The first reply line for `command` ("/ok" or "/error"), waiting up to `timeout`.
  std::optional<DumpLine> wait_reply(const std::string& command, std::chrono::milliseconds timeout = 3000ms,
                                     const std::string& path = "/ok", std::size_t skip = 0) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    do {
      std::size_t seen = 0;
      for (const DumpLine& d : dump_lines(dump_file_))
        if (d.path == path && !d.args.empty() && d.args[0] == q(command) && seen++ == skip) return d;
      std::this_thread::sleep_for(10ms);
    } while (std::chrono::steady_clock::now() < until);
    return std::nullopt;
  }

  // Sends ARGS and returns the /error reply for `command`; fails if an /ok came instead.
  std::string expect_error(const std::string& args, const std::string& command) {
    const std::size_t before = count(command, "/error");
    osc(args);
    const auto e = wait_reply(command, 3000ms, "/error", before);
    if (!e) {
      ADD_FAILURE() << "no /error reply for " << args << "\n" << slurp(dump_file_);
      return "";
    }
    return e->text;
  }

  std::size_t count(const std::string& command, const std::string& path) {
    std::size_t n = 0;
    for (const DumpLine& d : dump_lines(dump_file_))
      if (d.path == path && !d.args.empty() && d.args[0] == q(command)) ++n;
    return n;
  }

  FakeInstrument fake_{2000};
  test::ScratchDir dir_{"osc"};
  std::unique_ptr<Performer> performer_;
  std::unique_ptr<OscServer> server_;
  std::thread pump_;
  std::atomic<bool> stop_pump_{false};
  std::mutex log_mu_;
  std::vector<std::string> log_;
  std::unique_ptr<Child> dump_;
  int dump_port_ = 0;
  std::filesystem::path dump_file_;
};

TEST_F(OscServerTest, BindsLoopbackOnAFreePortAndAnswersOscsend) {
  EXPECT_GT(server_->port(), 0);
  EXPECT_EQ(server_->url(), "osc.udp://127.0.0.1:" + std::to_string(server_->port()) + "/");
  start_dump();
  const auto ping = wait_reply("ping");
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->types, "ssi");
  EXPECT_EQ(ping->args, (std::vector<std::string>{q("ping"), q("ngsynth"), "16000"}));
  const auto rt = wait_reply("reply_to");
  ASSERT_TRUE(rt);
  EXPECT_EQ(rt->args, (std::vector<std::string>{q("reply_to"), q("127.0.0.1"), std::to_string(dump_port_)}));

  // The port is taken: a second server on it fails to bind; a bad address is named.
  OscOptions o = options();
  o.port = server_->port();
  EXPECT_THROW((OscServer{*performer_, o}), Error);
  o.port = 0;
  o.address = "300.1.2.3";
  try {
    OscServer bad(*performer_, o);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("300.1.2.3"), std::string::npos) << e.what();
  }
}

TEST_F(OscServerTest, SampleNoteThenWriteProducesTheTrackBufferAsWav) {
  start_dump();
  const int64_t notes_before = performer_->engine().notes_started();
  osc("/sample_note sif kick 7 0.8");
  const auto r = wait_reply("sample_note");
  ASSERT_TRUE(r) << slurp(dump_file_);
  EXPECT_EQ(r->types, "sshfi");
  EXPECT_EQ(r->args, (std::vector<std::string>{q("sample_note"), q("kick"), "7", "0.800000", "2000"}));
  const std::vector<float> want = fake_.event(0, 7, 0.8f);
  EXPECT_EQ(performer_->drums().buffer(0), want);

  const std::filesystem::path wav = out_dir() / "kick.wav";
  osc("/write ss kick kick.wav");
  const auto w = wait_reply("write");
  ASSERT_TRUE(w) << slurp(dump_file_);
  EXPECT_EQ(w->args, (std::vector<std::string>{q("write"), q("kick"), q(wav.string()), "2000"}));
  const Audio a = read_audio(wav);
  EXPECT_EQ(a.sample_rate, 16000);
  EXPECT_EQ(a.samples, want);

  // By index; the snare keeps the default pattern's buffer (seed 0, temperature 1).
  osc("/write is 1 snare.wav");
  ASSERT_TRUE(wait_reply("write", 3000ms, "/ok", 1));
  EXPECT_EQ(read_audio(out_dir() / "snare.wav").samples, fake_.event(1, 0, 1.0f));

  // The preview went through the engine.
  const auto until = std::chrono::steady_clock::now() + 3s;
  while (performer_->engine().notes_started() == notes_before && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(5ms);
  EXPECT_GT(performer_->engine().notes_started(), notes_before);
}

// /write stays inside the write folder and never replaces what it did not write: an
// existing text file and a FIFO survive, ../ and a link out are refused; its own files
// can be written again.
TEST_F(OscServerTest, WriteIsConfinedToTheWriteFolder) {
  namespace fs = std::filesystem;
  start_dump();
  write_file_atomically(out_dir() / "notes.txt", "keep me\n");
  ASSERT_EQ(::mkfifo((out_dir() / "fifo.wav").c_str(), 0600), 0);
  fs::create_directory_symlink(dir_.path(), out_dir() / "up");
  EXPECT_NE(expect_error("/write ss kick notes.txt", "write").find("was not written by this server"),
            std::string::npos);
  EXPECT_NE(expect_error("/write ss kick fifo.wav", "write").find("was not written by this server"),
            std::string::npos);
  EXPECT_NE(expect_error("/write ss kick up/escape.wav", "write").find("leaves the write folder"),
            std::string::npos);
  EXPECT_NE(expect_error("/write ss kick sub/../../escape.wav", "write").find("leaves"),
            std::string::npos);
  EXPECT_EQ(read_file(out_dir() / "notes.txt"), "keep me\n");
  EXPECT_TRUE(fs::is_fifo(out_dir() / "fifo.wav"));
  EXPECT_FALSE(fs::exists(dir_ / "escape.wav"));
  osc("/write ss kick again.wav");
  ASSERT_TRUE(wait_reply("write"));
  osc("/write ss kick again.wav");
  EXPECT_TRUE(wait_reply("write", 3000ms, "/ok", 1)) << slurp(dump_file_);
}

// Every documented example, sent as written (port and file names substituted), is
// answered with /ok: the table and the dispatcher agree.
TEST_F(OscServerTest, EveryDocumentedExampleIsHandled) {
  start_dump();
  const std::string prefix = "oscsend 127.0.0.1 9000 ";
  for (const MessageDoc& d : osc_messages()) {
    SCOPED_TRACE(d.example);
    ASSERT_EQ(d.example.rfind(prefix + d.path, 0), 0u) << "the example must send " << d.path;
    std::string args = d.example.substr(prefix.size());
    if (const auto at = args.find(" 9001"); at != std::string::npos)
      args.replace(at, 5, " " + std::to_string(dump_port_));
    const std::string command = d.path.substr(1);
    const std::size_t before = count(command, "/ok");
    osc(args);
    const auto r = wait_reply(command, 3000ms, "/ok", before);
    EXPECT_TRUE(r) << "no /ok reply\n" << slurp(dump_file_);
  }
  EXPECT_TRUE(std::filesystem::exists(out_dir() / "kick.wav"));
  EXPECT_EQ(performer_->drums().step(2, 3), 1.0f);
  EXPECT_FLOAT_EQ(static_cast<float>(performer_->drums().tempo()), 96.0f);
  EXPECT_EQ(performer_->current_class(), 1);
  EXPECT_FALSE(performer_->drums().playing());  // /play, then /stop
  const auto help = wait_reply("help");
  ASSERT_TRUE(help);
  EXPECT_EQ(help->args.at(1), q("/sample_note"));
  EXPECT_EQ(server_->stats().errors, 0);
  EXPECT_TRUE(log().empty());
}

TEST_F(OscServerTest, ErrorsAreRepliedAndLoggedAndTheServerGoesOn) {
  start_dump();
  struct Case {
    std::string args, command, needle;
  };
  const std::vector<Case> cases = {
      {"/nope", "nope", "unknown message /nope"},
      {"/tempo s fast", "tempo", "argument 1 (bpm) must be a finite number, got string; usage: /tempo <bpm:f>"},
      {"/tempo f 5", "tempo", "tempo 5 is outside 20..999 BPM"},
      {"/class s cowbell", "class", "no class 'cowbell'"},
      {"/class i 8", "class", "no class '8'"},
      {"/xy f 1", "xy", "1 argument given; usage: /xy <x:f> <y:f> [seed:i]"},
      {"/ping i 3", "ping", "1 argument given; usage: /ping"},
      {"/step sfi hihat 3.5 1", "step", "argument 2 (step) must be an integer, got float"},
      {"/step sii hihat 16 1", "step", "step 16 is outside 0..15"},
      {"/step sif hihat 3 1.5", "step", "velocity 1.5 is outside 0..1"},
      {"/sample_note si kick -3", "sample_note", "seed -3 is negative"},
      {"/sample_note sif kick 1 nan", "sample_note", "argument 3 (temperature) must be a finite number"},
      {"/morph ssf kick snare 2", "morph", "t 2"},
      {"/swing f 0.9", "swing", "swing 0.9 is outside 0..0.75"},
      {"/gain sT kick", "gain", "argument 2 (gain) must be a finite number, got true"},
      {"/sample_path f 100", "sample_path", "length 100"},
      {"/reply_to i 70000", "reply_to", "port 70000 is outside 0..65535"},
      {"/write ss kick /tmp/x.wav", "write", "'/tmp/x.wav': absolute path"},
      {"/write ss kick ../x.wav", "write", "'../x.wav': leaves the write folder"},
      {"/write ss kick no-dir/x.wav", "write", "does not exist"},
      {"/help s /nope", "help", "no message /nope"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args);
    const std::string line = expect_error(c.args, c.command);
    EXPECT_NE(line.find(c.needle), std::string::npos) << line;
  }
  const std::vector<std::string> lines = log();
  EXPECT_EQ(lines.size(), cases.size());
  for (std::size_t i = 0; i < std::min(lines.size(), cases.size()); ++i) {
    EXPECT_EQ(lines[i].rfind("osc: 127.0.0.1:", 0), 0u) << lines[i];
    EXPECT_NE(lines[i].find(cases[i].command + ": "), std::string::npos) << lines[i];
  }
  EXPECT_EQ(server_->stats().errors, static_cast<int64_t>(cases.size()));
  // Integers where numbers are meant, indices where classes are meant.
  osc("/tempo i 100");
  const auto t = wait_reply("tempo");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->args.at(1), "100.000000");
  osc("/class i 2");
  const auto c = wait_reply("class");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->args, (std::vector<std::string>{q("class"), q("hihat"), "2"}));
  osc("/sample_note s 3");
  ASSERT_TRUE(wait_reply("sample_note"));
  EXPECT_EQ(performer_->drums().seed(3), 1u);  // the first automatic seed
}

// Thousands of random packets, malformed OSC messages (truncated, corrupted type tags,
// bad padding, bad bundles) and wrongly typed messages; the server answers /ping after.
TEST_F(OscServerTest, SurvivesAFloodOfGarbage) {
  std::mt19937 rng(1234);
  const auto byte = [&] { return static_cast<char>(rng() & 0xff); };
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  RawSocket raw(server_->port());
  std::vector<std::vector<char>> valid;
  {
    lo_message m = lo_message_new();
    lo_message_add_float(m, 120.0f);
    valid.push_back(serialise("/tempo", m));
    m = lo_message_new();
    lo_message_add_string(m, "hihat");
    lo_message_add_int32(m, 3);
    lo_message_add_float(m, 0.5f);
    valid.push_back(serialise("/step", m));
    m = lo_message_new();
    lo_message_add_float(m, 0.1f);
    lo_message_add_float(m, 0.2f);
    valid.push_back(serialise("/xy", m));
    m = lo_message_new();
    uint8_t blob_data[5] = {1, 2, 3, 4, 5};
    lo_blob blob = lo_blob_new(5, blob_data);
    lo_message_add_blob(m, blob);
    lo_message_add_midi(m, blob_data);
    lo_message_add_double(m, 1.5);
    lo_message_add_int64(m, 77);
    lo_message_add_symbol(m, "sym");
    lo_message_add_true(m);
    lo_message_add_nil(m);
    lo_message_add_infinitum(m);
    valid.push_back(serialise("/class", m));
    lo_blob_free(blob);
  }
  int sent = 0;
  for (int i = 0; i < 6000; ++i) {
    std::vector<char> p;
    switch (i % 6) {
      case 0: {  // random bytes, 0..600 of them
        p.resize(static_cast<std::size_t>(pick(601)));
        for (char& b : p) b = byte();
        break;
      }
      case 1: {  // a path and then garbage
        p = {'/', 's', 't', 'e', 'p'};
        p.resize(5 + static_cast<std::size_t>(pick(64)));
        for (std::size_t k = 5; k < p.size(); ++k) p[k] = pick(3) == 0 ? '\0' : byte();
        break;
      }
      case 2: {  // a valid message truncated
        p = valid[static_cast<std::size_t>(pick(static_cast<int>(valid.size())))];
        p.resize(static_cast<std::size_t>(pick(static_cast<int>(p.size()))));
        break;
      }
      case 3: {  // a valid message with bytes flipped (type tags, padding, sizes)
        p = valid[static_cast<std::size_t>(pick(static_cast<int>(valid.size())))];
        for (int k = 0, n = 1 + pick(4); k < n; ++k) p[static_cast<std::size_t>(pick(static_cast<int>(p.size())))] = byte();
        break;
      }
      case 4: {  // bundles: bad sizes, deep nesting, garbage elements
        const int depth = 1 + pick(12);
        for (int d = 0; d < depth; ++d) {
          const char head[8] = {'#', 'b', 'u', 'n', 'd', 'l', 'e', '\0'};
          std::vector<char> b(head, head + 8);
          for (int k = 0; k < 8; ++k) b.push_back(byte());
          uint32_t size = pick(4) == 0 ? static_cast<uint32_t>(rng()) : htonl(static_cast<uint32_t>(p.size()));
          if (!p.empty() || pick(2)) {
            b.insert(b.end(), reinterpret_cast<char*>(&size), reinterpret_cast<char*>(&size) + 4);
            b.insert(b.end(), p.begin(), p.end());
          }
          p = b;
        }
        if (p.size() < 20 || pick(3) == 0) p.resize(p.size() + static_cast<std::size_t>(pick(9)), 'x');
        break;
      }
      default: {  // well-formed but wrongly typed or unknown messages
        p = valid[3];
        if (pick(2)) std::memcpy(p.data(), "/zzzzz", 6);
        break;
      }
    }
    raw.send(p.data(), p.size());
    ++sent;
    if (i % 100 == 99) std::this_thread::sleep_for(1ms);
  }
  // Let the server drain its socket.
  int64_t last = -1;
  for (int i = 0; i < 300 && server_->stats().packets != last; ++i) {
    last = server_->stats().packets;
    std::this_thread::sleep_for(50ms);
  }
  const OscServer::Stats s = server_->stats();
  EXPECT_GT(s.packets, 1000);
  EXPECT_GT(s.malformed, 500);
  EXPECT_GT(s.errors, 1000);
  EXPECT_EQ(static_cast<int64_t>(log().size()), s.errors);

  // /ping from a fresh socket is answered to its address.
  RawSocket client(server_->port());
  lo_message m = lo_message_new();
  const std::vector<char> ping = serialise("/ping", m);
  bool answered = false;
  for (int attempt = 0; attempt < 10 && !answered; ++attempt) {
    client.send(ping);
    for (auto r = client.receive(); r && !answered; r = client.receive())
      answered = r->first == "/ok" && !r->second.empty() && r->second[0] == "ping";
  }
  EXPECT_TRUE(answered);
  // And through the command-line tools.
  start_dump();
}

TEST_F(OscServerTest, BundlesAreUnpackedAndRepliesGoToTheSender) {
  RawSocket raw(server_->port());
  lo_bundle b = lo_bundle_new(LO_TT_IMMEDIATE);
  lo_message ping = lo_message_new();
  lo_message tempo = lo_message_new();
  lo_message_add_float(tempo, 100.0f);
  lo_bundle_add_message(b, "/ping", ping);
  lo_bundle_add_message(b, "/tempo", tempo);
  std::size_t n = lo_bundle_length(b);
  std::vector<char> bytes(n);
  lo_bundle_serialise(b, bytes.data(), &n);
  lo_bundle_free_recursive(b);
  raw.send(bytes);
  std::vector<std::string> got;
  for (auto r = raw.receive(); r && got.size() < 2; r = raw.receive())
    if (r->first == "/ok") got.push_back(r->second.at(0));
  EXPECT_EQ(got, (std::vector<std::string>{"ping", "tempo"}));
  EXPECT_EQ(performer_->drums().tempo(), 100.0);
}

TEST_F(OscServerTest, ReplyPortOptionRedirectsEveryReply) {
  start_dump(false);
  OscServer other(*performer_, options(dump_port_));
  bool seen = false;
  for (int attempt = 0; attempt < 30 && !seen; ++attempt) {
    osc("/ping", other.port());
    seen = wait_reply("ping", 100ms).has_value();
  }
  EXPECT_TRUE(seen) << slurp(dump_file_);
}

TEST(OscServerDocs, TheDocumentationHoldsTheMessageTable) {
  const std::string doc = read_file(std::filesystem::path(NGSYNTH_SOURCE_DIR) / "docs" / "live_engine.md");
  const std::string table = osc_messages_markdown();
  EXPECT_NE(doc.find(table), std::string::npos) << "docs/live_engine.md lacks the table; it is:\n" << table;
  const std::string readme = read_file(std::filesystem::path(NGSYNTH_SOURCE_DIR) / "README.md");
  EXPECT_NE(readme.find(table), std::string::npos) << "README.md lacks the table; it is:\n" << table;
  std::vector<std::string> paths;
  for (const MessageDoc& d : osc_messages()) {
    EXPECT_EQ(d.path.front(), '/');
    EXPECT_FALSE(d.help.empty()) << d.path;
    EXPECT_EQ(d.reply.rfind("/ok " + d.path.substr(1), 0), 0u) << d.path;
    EXPECT_EQ(std::count(paths.begin(), paths.end(), d.path), 0) << d.path << " twice";
    paths.push_back(d.path);
  }
  for (const char* required : {"/sample_note", "/sample_path", "/class", "/xy", "/morph", "/write", "/play",
                               "/stop", "/tempo", "/step", "/ping", "/help", "/reply_to"})
    EXPECT_NE(std::find(paths.begin(), paths.end(), required), paths.end()) << required;
}

}  // namespace
}  // namespace ngsynth::live
