#!/usr/bin/env bash
# Reproduces the README's class-fidelity figures: the fast preset on the default corpus,
# grain stage for GRAIN_MINUTES (default 40), event stage for EVENT_MINUTES (default 15),
# each with its schedule fitted to its budget, export (class priors and the drum classifier
# go into the model file), then `ngsynth eval` of the test split with each event prior
# and a few temperatures. Needs a build (scripts/build.sh). Minutes on a shared machine are
# not comparable: the step rates the runs reached are in their log.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
ng=build/bin/ngsynth
out=${OUT:-out/measure-fidelity}
grain_minutes=${GRAIN_MINUTES:-40}
event_minutes=${EVENT_MINUTES:-15}
mkdir -p "$out"
[ -f "$out/drums.ngd" ] || $ng prepare /usr/share/hydrogen/data/drumkits -o "$out/drums.ngd"
rm -rf "$out/grain" "$out/event"
$ng train --data "$out/drums.ngd" -o "$out/grain" --threads 2 --max-minutes "$grain_minutes" --seed 1
$ng export "$out/grain" -o "$out/grain.ngs"
$ng train --stage temporal --model "$out/grain.ngs" --data "$out/drums.ngd" -o "$out/event" \
  --threads 2 --max-minutes "$event_minutes" --seed 1
$ng export "$out/event" -o "$out/drums.ngs"
for prior in standard gaussian mixture; do
  for t in 0.5 1.0; do
    $ng eval --model "$out/drums.ngs" --data "$out/drums.ngd" --prior $prior -t $t \
      --json "$out/eval_${prior}_t$t.json" | tee "$out/eval_${prior}_t$t.txt"
  done
done
