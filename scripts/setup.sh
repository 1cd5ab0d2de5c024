#!/usr/bin/env bash
# Installs every build, test and data dependency of ngsynth from Debian 12 packages.
# Idempotent: packages already present are left as they are. Run as root (or with sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libtorch-dev                # LibTorch C++ frontend (CPU build, 1.13)
  libopenblas0-openmp         # fast BLAS for LibTorch (the default reference BLAS is ~10x slower)
  libsndfile1-dev             # reading wav/flac/aiff/ogg, writing wav
  libsamplerate0-dev          # resampling to the model's rate
  nlohmann-json3-dev          # options, manifests, model headers
  libcli11-dev                # the command-line interface
  libgtest-dev libbenchmark-dev
  libpng-dev                  # latent-map and training pictures
  libpugixml-dev              # Hydrogen drumkit.xml parsing
  hydrogen-drumkits           # the default corpus
  sox                         # tests: makes and measures real sound files
  jq                          # scripts/sample-stats.sh reads the manifest
  liblo-dev liblo-tools       # OSC server (ngsynth serve); oscsend/oscdump drive its tests
  libjack-jackd2-dev jackd2   # live audio through JACK; tests run jackd with its dummy driver
  libkissfft-dev              # the synthesis runtime's FFT (BSD; see runtime/fft.h)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
