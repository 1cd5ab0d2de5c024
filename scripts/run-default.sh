#!/usr/bin/env bash
# The main job on the default data, on a fresh Debian 12 machine: installs the
# dependencies, builds, imports every Hydrogen kit of the hydrogen-drumkits package,
# trains the grain VAE with the fast preset (MINUTES, default 10; 60 gives the README's
# figures), then the event VAE on its latents (EVENT_MINUTES, default 5), exports the
# model, resynthesises a few test-split sounds, samples new hits of every class, draws
# the latent map, renders the default drum pattern and evaluates the test split.
# Everything lands in ./out (OUT=... to change). Re-running resumes the training; the event
# level is trained afresh whenever the grain level it was trained on has changed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
ng=build/bin/ngsynth
out=${OUT:-out}
minutes=${MINUTES:-10}
event_minutes=${EVENT_MINUTES:-5}
mkdir -p "$out/reconstructions"

[ -f "$out/drums.ngd" ] || $ng prepare /usr/share/hydrogen/data/drumkits -o "$out/drums.ngd"
if [ -f "$out/run/checkpoint.ngc" ]; then
  $ng train --data "$out/drums.ngd" -o "$out/run" --resume --max-minutes "$minutes"
else
  $ng train --data "$out/drums.ngd" -o "$out/run" --preset fast --max-minutes "$minutes"
fi
$ng export "$out/run" -o "$out/grain.ngs"
# The event level is trained on one grain level: when the grain level has changed (trained
# further), the event run is set aside and trained afresh on the new one; `train --resume
# --model` refuses to pair them wrongly in any case.
grain_sum=$(sha256sum "$out/grain.ngs" | cut -d' ' -f1)
if [ -f "$out/event-run/checkpoint.ngc" ] &&
   [ "$(cat "$out/event-run/grain.sha256" 2>/dev/null)" != "$grain_sum" ]; then
  kept="$out/event-run.$(date +%Y%m%d-%H%M%S)"
  mv "$out/event-run" "$kept"
  echo "the grain level changed: the event level trains afresh on it (the old run: $kept)"
fi
if [ -f "$out/event-run/checkpoint.ngc" ]; then
  $ng train --stage temporal --model "$out/grain.ngs" --data "$out/drums.ngd" \
    -o "$out/event-run" --resume --max-minutes "$event_minutes"
else
  mkdir -p "$out/event-run"
  echo "$grain_sum" > "$out/event-run/grain.sha256"
  $ng train --stage temporal --model "$out/grain.ngs" --data "$out/drums.ngd" \
    -o "$out/event-run" --max-minutes "$event_minutes"
fi
$ng export "$out/event-run" -o "$out/drums.ngs"

# A few test-split sounds, one per class where possible, from the manifest.
jq -r '[.files[] | select(.accepted and .split == "test")] | group_by(.class)[] | .[0]
       | "\(.class)\t\(.path)"' "$out/drums.manifest.json" > "$out/reconstructions/list.txt"
while IFS=$'\t' read -r cls path; do
  [ -n "$path" ] || continue
  cp "$path" "$out/reconstructions/${cls}_original.${path##*.}"
  $ng resynth --model "$out/drums.ngs" "$path" -o "$out/reconstructions/${cls}_ngsynth.wav"
done < "$out/reconstructions/list.txt"
$ng sample --model "$out/drums.ngs" -n 4 -o "$out/samples"
$ng map --model "$out/drums.ngs" -o "$out/map.png"
$ng drums --model "$out/drums.ngs" --write-pattern "$out/beat.json"
$ng drums --model "$out/drums.ngs" "$out/beat.json" --loops 4 -o "$out/beat.wav"
$ng eval --model "$out/drums.ngs" --data "$out/drums.ngd" --json "$out/eval.json"
echo "done: model $out/drums.ngs, resyntheses in $out/reconstructions, new hits in" \
  "$out/samples, latent map $out/map.png, a drum loop $out/beat.wav, metrics in $out/eval.json"
