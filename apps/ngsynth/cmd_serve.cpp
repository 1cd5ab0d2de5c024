// ngsynth serve: plays a model live: OSC server, drum machine, JACK output.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "cli_common.h"
#include "commands.h"
#include "ngsynth/live/jack_output.h"
#include "ngsynth/live/osc_server.h"
#include "ngsynth/live/pattern.h"
#include "ngsynth/live/performer.h"
#include "ngsynth/synth/model_instrument.h"
#include "ngsynth/serve/http_server.h"

namespace ngsynth::cli {
namespace {

// Without JACK the engine still needs its audio callback to advance time: a thread calls
// it in real time and drops the samples (OSC /write and the sequencer keep working).
void run_clock(live::Engine& engine, int sample_rate, const std::atomic<bool>& quit) {
  constexpr int kBlock = 256;
  std::vector<float> block(kBlock);
  const auto start = std::chrono::steady_clock::now();
  for (int64_t b = 0; !quit; ++b) {
    engine.process(block);
    std::this_thread::sleep_until(
        start + std::chrono::duration<double>(double(b + 1) * kBlock / sample_rate));
  }
}

}  // namespace

Run add_serve(CLI::App& app) {
  struct Args : RenderArgs {
    std::string address = "127.0.0.1", pattern, jack_server, write_dir;
    int port = 9000, reply_port = 0, latency = 0, http = -1;
    double max_upload_mb = 16;
    bool jack = false, connect = false, play = false;
  };
  auto a = std::make_shared<Args>();
  app.footer(
      "Play a model live. An OSC server (liblo; 127.0.0.1 unless --address) takes messages\n"
      "such as /sample_note kick, /xy 0.5 -1.2, /morph kick snare 0.3, /write kick k.wav\n"
      "(into --write-dir only), /play, /tempo 100, /step snare 4 1 and replies to the sender\n"
      "with /ok or /error (see "
      "the README for every message, with oscsend examples). A drum machine has one track\n"
      "per class, each holding an event sampled by the model; --pattern loads its steps.\n"
      "Audio goes to JACK with --jack (resampled when the server runs at another rate than\n"
      "the model); without it the engine runs on a clock and only files are written.\n"
      "--http PORT also serves a web page to play the model (latent map as an XY pad, one\n"
      "pad per class, a step sequencer, a drop zone for your own sounds, the kit as a zip)\n"
      "and its JSON API under /api/ (see the README); audio then plays in the browser, or\n"
      "through JACK with --jack.\n"
      "Ctrl-C stops.\n"
      "Example: ngsynth serve --model drums.ngs --jack --connect --play --pattern beat.json\n"
      "         ngsynth serve --model drums.ngs --http 8080   # then open http://127.0.0.1:8080/");
  add_render_options(app, *a);
  app.add_option("--osc", a->port, "OSC port (UDP; 0 = a free one, printed)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--http", a->http, "Also serve the web page and its API on this TCP port (0 = a free one, printed)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--max-upload-mb", a->max_upload_mb, "Largest sound the page may upload, in MB")
      ->check(CLI::Range(0.01, 1024.0));
  app.add_option("--address", a->address, "Address to bind, OSC and HTTP (0.0.0.0: every interface)");
  app.add_option("--reply-port", a->reply_port, "Send every reply to this port of the sender");
  app.add_option("--pattern", a->pattern, "Drum pattern (JSON, see `ngsynth drums --help`)");
  app.add_option("--write-dir", a->write_dir,
                 "The only folder OSC /write writes into (names are relative to it; files the "
                 "server did not write are never replaced; default: a fresh temporary folder, "
                 "printed)");
  app.add_flag("--play", a->play, "Start the drum machine at once");
  app.add_flag("--jack", a->jack, "Play through JACK");
  app.add_option("--jack-server", a->jack_server, "JACK server name (default: the default)");
  app.add_flag("--connect", a->connect, "Connect the output to the playback ports");
  app.add_option("--latency", a->latency,
                 "Engine latency in frames (default 1024; at least the JACK period plus the "
                 "time to render a note, see `ngsynth bench`)")
      ->check(CLI::Range(64, 65536));
  return [a] {
    // Everything plays through the synthesis runtime; the LibTorch model only analyses the
    // sounds dropped on the web page.
    Model model = open_model(*a);
    ModelInstrument instrument(model, open_runtime_model(*a));
    live::Pattern pattern = a->pattern.empty() ? live::default_pattern(instrument.classes())
                                               : live::read_pattern(a->pattern);
    live::PerformerOptions po;
    po.first_seed = a->seed;
    po.write_dir = a->write_dir;
    if (a->latency > 0) po.engine.latency_frames = a->latency;
    live::Performer performer(instrument, pattern, po);
    const std::atomic<bool>& quit = catch_interrupts();
    std::unique_ptr<live::JackOutput> jack;
    if (a->jack) {
      live::JackOptions jo;
      jo.server_name = a->jack_server;
      jo.connect = a->connect;
      jack = std::make_unique<live::JackOutput>(performer.engine(), jo);
    }
    live::OscOptions oo;
    oo.address = a->address;
    oo.port = a->port;
    oo.reply_port = a->reply_port;
    live::OscServer osc(performer, oo);
    if (a->play) performer.drums().play(performer.engine());
    const int rate = performer.sample_rate();
    const int latency = performer.engine().latency_frames();
    std::string audio = "no audio output (clock only)";
    if (jack) {
      audio = "JACK port " + jack->port_name() + " at " + std::to_string(jack->sample_rate()) + " Hz";
      if (jack->resampling()) audio += " (resampled from " + std::to_string(rate) + " Hz)";
    }
    std::unique_ptr<serve::HttpServer> http;
    if (a->http >= 0) {
      serve::HttpOptions ho;
      ho.address = a->address;
      ho.port = a->http;
      ho.jack = a->jack;
      ho.audio_detail = jack ? audio : "Web Audio in the browser";
      ho.model_name = std::filesystem::path(a->model).stem().string();
      ho.max_upload_bytes = static_cast<std::size_t>(a->max_upload_mb * 1024 * 1024);
      http = std::make_unique<serve::HttpServer>(performer, ho);
      if (!jack) audio = "audio in the browser";
    }
    std::printf("ngsynth serve: OSC on %s, %s, %zu tracks, latency %d frames (%.1f ms), "
                "/write into %s\n",
                osc.url().c_str(), audio.c_str(), performer.classes().size(), latency,
                1e3 * latency / rate, performer.write_dir().c_str());
    if (http) std::printf("ngsynth serve: HTTP on %s\n", http->url().c_str());
    std::fflush(stdout);
    if (jack) {
      while (!quit && !jack->server_gone())
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (jack->server_gone()) std::fprintf(stderr, "ngsynth serve: the JACK server went away\n");
    } else {
      run_clock(performer.engine(), rate, quit);
    }
    if (http) http->stop();
    performer.drums().stop();
    std::printf("ngsynth serve: stopped\n");
    return 0;
  };
}

}  // namespace ngsynth::cli
