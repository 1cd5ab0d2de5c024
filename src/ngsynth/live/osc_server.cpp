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
#include <map>
#include <mutex>
#include <thread>

#include "ngsynth/live/osc_messages.h"
#include "ngsynth/util/error.h"

namespace ngsynth::live {
using namespace detail;

namespace {

constexpr std::size_t kMaxPacket = 65536;
constexpr int kMaxBundleDepth = 8;

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
