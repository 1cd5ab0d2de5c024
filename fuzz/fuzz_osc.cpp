// The OSC server's dispatch: messages of the table with arguments of arbitrary types and
// counts (built with liblo from the input), or raw packets. One server on a deterministic
// stand-in instrument serves every input; after each packet a /ping is sent and its reply
// awaited, so each input is fully handled before the next. The server must answer and live.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <lo/lo.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "live_rig.h"
#include "ngsynth/live/osc_server.h"
#include "ngsynth/live/performer.h"

namespace {
using namespace ngsynth;

struct Rig {
  fuzz::LiveRig live;
  std::unique_ptr<live::OscServer> server;
  int fd = -1;
  sockaddr_in to{};

  Rig() {
    live::OscOptions oo;
    oo.port = 0;
    oo.log = [](const std::string&) {};
    server = std::make_unique<live::OscServer>(*live.performer, oo);
    fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in me{};
    me.sin_family = AF_INET;
    me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&me), sizeof me);
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(static_cast<uint16_t>(server->port()));
  }
  void send(const void* p, size_t n) {
    ::sendto(fd, p, n, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  }
  // Sends "/reply_to i 0" (an input may have sent its own /reply_to, in a raw packet, a
  // bundle or a path the fuzzer spelled, and the replies must come back to this socket),
  // then "/help s /syncN", and waits for its (error) reply: replies come in order, so the
  // input's messages have all been handled by then. Replies are UDP, best effort: one can
  // be lost (a flood of replies to an input fills this socket's buffer), so an unanswered
  // sync is sent again, with a new marker, twice; a server that answers none of the three
  // in 5 s each has stopped.
  void sync() {
    send_message("/reply_to", nullptr, 0);
    std::vector<char> buf(65536);
    for (int attempt = 0; attempt < 3; ++attempt) {
      const std::string marker = "/sync" + std::to_string(++syncs);
      send_message("/help", marker.c_str(), -1);
      for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0) break;
        const ssize_t got = ::recv(fd, buf.data(), buf.size(), 0);
        if (got > 0 && ::memmem(buf.data(), static_cast<size_t>(got), marker.c_str(), marker.size() + 1))
          return;
      }
      ++lost_replies;
    }
    __builtin_trap();  // the server stopped answering
  }
  // path with one string argument, or (text null) the int32 `number`.
  void send_message(const char* path, const char* text, int32_t number) {
    lo_message m = lo_message_new();
    if (text) lo_message_add_string(m, text);
    else lo_message_add_int32(m, number);
    size_t n = 0;
    void* bytes = lo_message_serialise(m, path, nullptr, &n);
    send(bytes, n);
    std::free(bytes);
    lo_message_free(m);
  }
  uint64_t lost_replies = 0;
  uint64_t syncs = 0;
};

Rig& rig() {
  static Rig* r = new Rig();  // never destroyed: libFuzzer exits without unwinding
  return *r;
}

// Reads bytes from the input as it goes; zeros when it runs out.
struct Input {
  const uint8_t* data;
  size_t size, pos = 0;
  uint8_t byte() { return pos < size ? data[pos++] : 0; }
  uint32_t u32() { uint32_t v = 0; for (int i = 0; i < 4; ++i) v = (v << 8) | byte(); return v; }
  std::string text() {
    const size_t n = byte() % 24;
    std::string s;
    for (size_t i = 0; i < n && pos < size; ++i) s += static_cast<char>(byte() % 95 + 32);
    return s;
  }
};

void add_argument(lo_message m, Input& in) {
  static const std::vector<std::string> names = {"kick", "snare", "0", "1", "7", "-1", "kick.wav", "../x.wav", "/tmp/x"};
  switch (in.byte() % 12) {
    case 0: lo_message_add_int32(m, static_cast<int32_t>(in.u32())); break;
    case 1: lo_message_add_int64(m, (static_cast<int64_t>(in.u32()) << 32) | in.u32()); break;
    case 2: { uint32_t b = in.u32(); float f; std::memcpy(&f, &b, 4); lo_message_add_float(m, f); break; }
    case 3: { uint64_t b = (static_cast<uint64_t>(in.u32()) << 32) | in.u32(); double d; std::memcpy(&d, &b, 8); lo_message_add_double(m, d); break; }
    case 4: lo_message_add_string(m, in.text().c_str()); break;
    case 5: lo_message_add_string(m, names[in.byte() % names.size()].c_str()); break;
    case 6: lo_message_add_symbol(m, names[in.byte() % names.size()].c_str()); break;
    case 7: lo_message_add_char(m, static_cast<char>(in.byte())); break;
    case 8: { const std::string s = in.text(); lo_blob b = lo_blob_new(static_cast<int32_t>(s.size()), s.data()); if (b) { lo_message_add_blob(m, b); lo_blob_free(b); } break; }
    case 9: lo_message_add_true(m); break;
    case 10: lo_message_add_nil(m); break;
    default: { const uint8_t midi[4] = {in.byte(), in.byte(), in.byte(), in.byte()}; lo_message_add_midi(m, const_cast<uint8_t*>(midi)); break; }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Rig& r = rig();
  Input in{data, size};
  if (size > 0 && data[0] == 0xff) {  // a raw packet
    r.send(data + 1, size - 1);
  } else {
    const auto& table = live::osc_messages();
    const uint8_t pick = in.byte();
    std::string path = pick < 240 ? table[pick % table.size()].path : "/" + in.text();
    if (path == "/reply_to") path = "/ping";  // replies must come back here (see sync)
    lo_message m = lo_message_new();
    const int argc = in.byte() % 6;
    for (int i = 0; i < argc; ++i) add_argument(m, in);
    size_t n = 0;
    void* bytes = lo_message_serialise(m, path.c_str(), nullptr, &n);
    if (bytes) r.send(bytes, n);
    std::free(bytes);
    lo_message_free(m);
  }
  r.sync();
  return 0;
}
