#!/usr/bin/env bash
# The main job on the default data, on a fresh Debian 12 machine: installs the
# dependencies, builds, imports every Hydrogen kit of the hydrogen-drumkits package,
# trains the fast preset (MINUTES, default 10; 60 gives the README's figures), exports
# the model, reconstructs a few test-split sounds and evaluates the test split.
# Everything lands in ./out (OUT=... to change). Re-running resumes the training.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
ng=build/bin/ngsynth
out=${OUT:-out}
minutes=${MINUTES:-10}
mkdir -p "$out/reconstructions"

[ -f "$out/drums.ngd" ] || $ng prepare /usr/share/hydrogen/data/drumkits -o "$out/drums.ngd"
if [ -f "$out/run/checkpoint.ngc" ]; then
  $ng train --data "$out/drums.ngd" -o "$out/run" --resume --max-minutes "$minutes"
else
  $ng train --data "$out/drums.ngd" -o "$out/run" --preset fast --max-minutes "$minutes"
fi
$ng export "$out/run" -o "$out/drums.ngs"

# A few test-split sounds, one per class where possible, from the manifest.
python3 - "$out/drums.manifest.json" > "$out/reconstructions/list.txt" <<'PY' || true
import json, sys
seen = set()
for e in json.load(open(sys.argv[1]))["files"]:
    if e.get("accepted") and e.get("split") == "test" and e["class"] not in seen:
        seen.add(e["class"]); print(e["class"] + "\t" + e["path"])
PY
while IFS=$'\t' read -r cls path; do
  [ -n "$path" ] || continue
  cp "$path" "$out/reconstructions/${cls}_original.${path##*.}"
  $ng reconstruct --model "$out/drums.ngs" "$path" -o "$out/reconstructions/${cls}_ngsynth.wav"
done < "$out/reconstructions/list.txt"
$ng eval --model "$out/drums.ngs" --data "$out/drums.ngd" --json "$out/eval.json"
echo "done: model $out/drums.ngs, sounds in $out/reconstructions, metrics in $out/eval.json"
