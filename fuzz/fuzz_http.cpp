// The HTTP API of `ngsynth serve`: requests built from the input (a method, one of the
// API's paths with a suffix and query the input spells, and a body of its bytes) or raw
// bytes, sent over a real TCP connection to one server on a deterministic stand-in
// instrument. Each reply is read to the end before the next input. The server must answer
// every request built here with a status line, never with 500 (an error nothing named),
// and close the connection after it; raw bytes must only not crash it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "live_rig.h"
#include "ngsynth/live/performer.h"
#include "ngsynth/serve/http_server.h"

namespace {
using namespace ngsynth;

struct Rig {
  fuzz::LiveRig live;  // with the audio clock: without it, requests that wait on the engine hang
  std::unique_ptr<serve::HttpServer> server;

  Rig() {
    serve::HttpOptions ho;
    ho.port = 0;
    ho.threads = 2;
    ho.max_upload_bytes = 1 << 16;
    ho.max_stream_frames = 4096;
    ho.log = [](const std::string&) {};
    server = std::make_unique<serve::HttpServer>(*live.performer, ho);
  }

  // Sends `request` on a new connection and returns the server's reply: everything up to
  // the end of the body its Content-Length announces, or up to the close of the
  // connection; nothing when it did neither in 3 s. With `wait_ms` > 0, whatever
  // came until the server has been quiet that long (raw bytes, which may leave it waiting
  // for more). The connection is not half-closed: cpp-httplib 0.11 drops a request whose
  // client has shut down writing.
  std::optional<std::string> exchange(const std::string& request, int wait_ms = 0,
                                      bool head = false) const {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(static_cast<uint16_t>(server->port()));
    // Closed with a reset, not a FIN: hundreds of connections a second would otherwise
    // leave tens of thousands of local ports in TIME_WAIT, and connect() runs out of them.
    const linger reset{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    if (fd < 0 || !connected(fd, to)) {
      std::perror("fuzz_http: connect");
      __builtin_trap();  // the server stopped accepting
    }
    for (size_t sent = 0; sent < request.size();) {
      const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // the server may close early (a refused body): what it said counts
      sent += static_cast<size_t>(n);
    }
    std::string reply;
    char buf[65536];
    for (;;) {
      // A poll interrupted by a signal (libFuzzer's SIGALRM) waits on for what is left.
      const auto start = std::chrono::steady_clock::now();
      const int limit = wait_ms > 0 ? wait_ms : 3000;
      int ready;
      do {
        const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start).count();
        pollfd p{fd, POLLIN, 0};
        ready = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(0, limit - spent)));
      } while (ready < 0 && errno == EINTR);
      if (ready <= 0) {
        if (wait_ms > 0) break;
        std::fprintf(stderr, "no reply in 3 s to: %s\n(%zu bytes of reply so far)\n",
                     request.substr(0, 200).c_str(), reply.size());
        ::close(fd);
        return std::nullopt;  // neither answered nor closed
      }
      const ssize_t got = ::recv(fd, buf, sizeof buf, 0);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      reply.append(buf, static_cast<size_t>(got));
      if (wait_ms == 0 && complete(reply, head)) break;
    }
    ::close(fd);
    return reply;
  }

  // connect(), finished when a signal interrupts it (libFuzzer's SIGALRM, for -timeout, did
  // once in a 600-s run): the handshake goes on, so wait until it is done and ask how it went.
  static bool connected(int fd, const sockaddr_in& to) {
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0) return true;
    if (errno != EINTR && errno != EINPROGRESS) return false;
    pollfd p{fd, POLLOUT, 0};
    while (::poll(&p, 1, 3000) < 0) {
      if (errno != EINTR) return false;
    }
    int error = 0;
    socklen_t len = sizeof error;
    if (!(p.revents & POLLOUT) || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0) return false;
    errno = error;
    return error == 0;
  }

  // Whether `reply` holds a whole response: headers and the Content-Length bytes after them
  // (a reply to HEAD announces the length of a body it does not send).
  static bool complete(const std::string& reply, bool head) {
    const size_t end = reply.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    if (head) return true;
    const size_t at = reply.find("Content-Length: ");
    if (at == std::string::npos || at > end) return false;  // no length: read to the close
    return reply.size() >= end + 4 + std::strtoull(reply.c_str() + at + 16, nullptr, 10);
  }
};

Rig& rig() {
  static Rig* r = new Rig();  // never destroyed: libFuzzer exits without unwinding
  return *r;
}

// Bytes as they may stand in a request target: unreserved ones as they are, the rest
// percent-encoded (so that the request line stays one line).
std::string target_text(const uint8_t* p, size_t n) {
  static const char* hex = "0123456789ABCDEF";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t c = p[i];
    if (std::isalnum(c) || (c != 0 && std::strchr("-._~/?=&%", c))) {
      s += static_cast<char>(c);
    } else {
      s += '%';
      s += hex[c >> 4];
      s += hex[c & 15];
    }
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Rig& r = rig();
  if (size > 0 && data[0] == 0xff) {  // raw bytes: the request parser itself
    r.exchange(std::string(reinterpret_cast<const char*>(data) + 1, size - 1), 20);
    return 0;
  }
  static const char* methods[] = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"};
  static const char* paths[] = {
      "/api/info", "/api/status", "/api/classes", "/api/map", "/api/hit/", "/api/sample",
      "/api/play", "/api/stream", "/api/stream/stop", "/api/resynth", "/api/dropped/resynthesis",
      "/api/dropped/original", "/api/dropped/variation/", "/api/dropped/use", "/api/pattern",
      "/api/transport", "/api/kit.zip", "/", "/index.html", "/api/"};
  const uint8_t method = size > 0 ? data[0] : 0, path = size > 1 ? data[1] : 0;
  // After the two bytes: the path's suffix and query up to the first newline, then the body.
  const uint8_t* rest = data + (size < 2 ? size : 2);
  const size_t left = size < 2 ? 0 : size - 2;
  const uint8_t* nl = static_cast<const uint8_t*>(std::memchr(rest, '\n', left));
  const size_t suffix = nl ? static_cast<size_t>(nl - rest) : 0;
  const std::string body(reinterpret_cast<const char*>(rest) + (nl ? suffix + 1 : 0),
                         left - (nl ? suffix + 1 : 0));
  const std::string target = std::string(paths[path % std::size(paths)]) + target_text(rest, suffix);
  const char* m = methods[method % std::size(methods)];
  std::string request = std::string(m) + " " + target + " HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n";
  if (method & 0x40) request += "Content-Type: application/octet-stream\r\n";
  else request += "Content-Type: application/json\r\n";
  // Always a length where a body is due: without one cpp-httplib reads until its 5 s
  // timeout and then answers 400 (a case the server tests cover), which would make every
  // such input cost 5 s here.
  const bool has_body = std::strcmp(m, "POST") == 0 || std::strcmp(m, "PUT") == 0 || !body.empty();
  if (has_body) request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  request += "\r\n" + body;
  // A request without a reply is sent once more on a new connection; a server that answers
  // neither has stopped. (Earlier runs saw a stray "no reply" every 20 000 requests or so,
  // with every server thread idle: the harness's own poll() interrupted by libFuzzer's
  // SIGALRM, now waited out; 0 in the 334 207 requests of the 600-s run after that fix.)
  const bool head = std::strcmp(m, "HEAD") == 0;
  std::optional<std::string> answer = r.exchange(request, 0, head);
  if (!answer) answer = r.exchange(request, 0, head);
  if (!answer) __builtin_trap();  // the server stopped answering
  const std::string& reply = *answer;
  if (reply.compare(0, 9, "HTTP/1.1 ") != 0) {
    std::fprintf(stderr, "no status line for: %s %s (reply: %zu bytes: %s)\n", m, target.substr(0, 200).c_str(), reply.size(), reply.substr(0, 200).c_str());
    __builtin_trap();
  }
  if (reply.compare(9, 3, "500") == 0) {
    std::fprintf(stderr, "HTTP 500 for %s %s:\n%s\n", m, target.substr(0, 200).c_str(),
                 reply.substr(0, 600).c_str());
    __builtin_trap();
  }
  return 0;
}
