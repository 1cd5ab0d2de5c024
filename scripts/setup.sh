#!/usr/bin/env bash
# Installs every build, test and data dependency of ngsynth from Debian 12 packages, and
# the one test-only tool Debian lacks, puppeteer-core (npm registry, pinned by
# tests/web/package-lock.json, into the ignored tests/web/node_modules).
# Idempotent: what is already present is left as it is. Run as root (or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libtorch-dev                # LibTorch C++ frontend (CPU build, 1.13)
  libopenblas0-openmp         # fast BLAS for LibTorch (the default reference BLAS is ~10x slower)
  libsndfile1-dev             # reading wav/flac/aiff/ogg, writing wav
  libsamplerate0-dev          # resampling to the model's rate
  nlohmann-json3-dev          # options, manifests, model headers
  libcli11-dev                # the command-line interface
  libgtest-dev libbenchmark-dev
  libcairo2-dev               # the pictures (latent map, training curves, spectrograms; PNG
                              #   and SVG) and the plugin's UI (DPF's DGL with Cairo)
  fonts-dejavu-core           # DejaVu Sans, the pictures' text
  libpugixml-dev              # Hydrogen drumkit.xml parsing
  hydrogen-drumkits           # the default corpus
  hydrogen                    # tests: h2cli renders a song on a kit from `ngsynth kit` (brings
                              #   hydrogen-data: drumkit.xsd and two more kits in the corpus folder)
  libxml2-utils               # tests: xmllint validates drumkit.xml against Hydrogen's drumkit.xsd
  espeak-ng                   # ngsynth demo: a spoken phrase resynthesised in the model's style
  sox                         # tests: makes and measures real sound files
  jq                          # scripts/sample-stats.sh reads the manifest
  liblo-dev liblo-tools       # OSC server (ngsynth serve); oscsend/oscdump drive its tests
  libjack-jackd2-dev jackd2   # live audio through JACK; tests run jackd with its dummy driver
  libkissfft-dev              # the synthesis runtime's FFT (BSD; see runtime/fft.h)
  libcpp-httplib-dev          # the web page's HTTP server (ngsynth serve --http)
  curl unzip                  # tests: drive the HTTP API, unpack the downloaded kit
  chromium nodejs             # tests: the web page in headless Chromium, through puppeteer-core
  dpf-source                  # DPF 1.6 sources: the ngsynth-drums plugin (LV2, VST3, CLAP) is built from them
  lv2-dev                     # LV2 headers and specs; tests: lv2_validate on the plugin's bundle
  sordi                       # tests: sord_validate, which lv2_validate runs
  lilv-utils                  # tests: lv2ls and lv2info find the plugin
  jalv                        # tests: the plugin played by a real LV2 host on JACK (jalv, jalv.gtk3)
  libx11-dev                  # the plugin's UI (DPF's DGL with Cairo, on X11)
  libxcursor-dev libxrandr-dev  # optional X11 extensions DGL uses when present
  xvfb                        # tests: the plugin's UI shown by jalv.gtk3 on a virtual display
  ardour                      # tests: Ardour 7 headless (ardour7-lua, ardour7-export) bounces the plugin
  clang libclang-rt-14-dev    # tests: the libFuzzer targets (scripts/fuzz.sh, ASan + UBSan)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Debian's nodejs comes without npm (a package of its own); other builds of nodejs bring it.
command -v npm >/dev/null 2>&1 || missing+=(npm)
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
else
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# puppeteer-core, exactly as locked; reinstalled only when the lock file changed.
web=tests/web
locked='.packages | with_entries(select(.key != ""))'
if [ ! -f "$web/node_modules/.package-lock.json" ] || \
   ! cmp -s <(jq -S "$locked" "$web/package-lock.json") \
             <(jq -S "$locked" "$web/node_modules/.package-lock.json"); then
  echo "setup: installing puppeteer-core into $web/node_modules (npm ci)"
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
else
  echo "setup: puppeteer-core present"
fi
