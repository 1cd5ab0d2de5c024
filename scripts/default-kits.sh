#!/usr/bin/env bash
# Prints the default corpus, one kit folder per line: every kit of Debian's hydrogen-drumkits
# (not the two kits hydrogen-data adds to the same folder), sorted. The default model is
# trained on exactly these (scripts/make-default-model.sh); run-default.sh evaluates on them.
set -euo pipefail
kits=$(dpkg -L hydrogen-drumkits 2>/dev/null | grep '/drumkit.xml$' | sed 's|/drumkit.xml$||' | LC_ALL=C sort) || true
[ -n "$kits" ] || { echo "hydrogen-drumkits is not installed (scripts/setup.sh)" >&2; exit 1; }
printf '%s\n' "$kits"
