// The OSC server's messages: the table of every message it handles (path, arguments,
// reply, help line, example) with its handler. The one table is the single source of the
// dispatcher (osc_server.cpp), the documentation (osc_messages_markdown, in
// docs/live_engine.md) and the tests; osc_messages() and osc_messages_markdown() are
// declared with the server in osc_server.h. The rest is internal (namespace detail).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ngsynth/live/osc_arguments.h"
#include "ngsynth/live/osc_server.h"
#include "ngsynth/live/performer.h"

namespace ngsynth::live::detail {

// What a handler acts on: the performer and the sender of the message.
struct Context {
  Performer& p;
  const std::string& from_host;              // the sender's numeric host
  std::map<std::string, int>& reply_ports;   // host -> reply port (/reply_to)
};

// Handles one message whose arguments `v` are checked against its parameters (one Value
// per parameter, absent optional ones not present): acts on c.p and adds the reply's
// details to `r` (after the command), or throws Error for an error reply.
using Handler = void (*)(Context& c, const std::vector<Value>& v, Reply& r);

struct Route {
  MessageDoc doc;
  Handler handle;
  std::vector<Param> params = {};
};

// Every message with its handler and parameters, in the order of the documentation.
const std::vector<Route>& routes();

}  // namespace ngsynth::live::detail
