#!/usr/bin/env bash
# Reproduces the README's quality figures: the fast preset on the default corpus, 30 minutes,
# export + eval, then a resumed 30 minutes, export + eval. Needs a build (scripts/build.sh)
# and an otherwise idle machine: timings shared with other work are not comparable.
set -euo pipefail
cd "$(dirname "$0")/.."
ng=build/bin/ngsynth
out=${OUT:-out/measure-fast}
mkdir -p "$out"
[ -f "$out/drums.ngd" ] || $ng prepare /usr/share/hydrogen/data/drumkits -o "$out/drums.ngd"
rm -rf "$out/run"
$ng train --data "$out/drums.ngd" -o "$out/run" --preset fast --threads 2 --max-minutes 30 --seed 1
$ng export "$out/run" -o "$out/fast30.ngs"
$ng eval --model "$out/fast30.ngs" --data "$out/drums.ngd" --json "$out/eval30.json"
$ng train --data "$out/drums.ngd" -o "$out/run" --resume --threads 2 --max-minutes 30
$ng export "$out/run" -o "$out/fast60.ngs"
$ng eval --model "$out/fast60.ngs" --data "$out/drums.ngd" --json "$out/eval60.json"
