#!/usr/bin/env bash
# The main job, on a fresh Debian 12 machine: installs the dependencies, builds, and plays
# the bundled default model (models/drums.ngs, trained by scripts/make-default-model.sh on
# every hydrogen-drumkits kit): a gallery page (out/demo/index.html: sampled hits per class,
# reconstructions, paths, resyntheses, morphs, stretch, blend, a loop, the latent map, the
# class-fidelity table), new hits per class (out/samples), a Hydrogen drumkit and an SFZ
# file of the model (out/kit), a drum loop (out/beat.wav) and the evaluation of the test
# split (out/eval.json). No training: a few minutes after the build.
#   --train   train the default model first (scripts/make-default-model.sh: fixed steps
#             and seed, 30 to 60 minutes on 2 idle cores by CPU speed, resumable: run it again
#             after a stop) into out/default/drums.ngs, and play that one
#   OUT=dir   write into dir instead of ./out (it must not hold an earlier demo or kit)
set -euo pipefail
cd "$(dirname "$0")/.."
train=0
for arg in "$@"; do
  case "$arg" in
    --train) train=1 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-default.sh: unknown option $arg (--train, --help)" >&2; exit 2 ;;
  esac
done
scripts/setup.sh
scripts/build.sh
ng=build/bin/ngsynth
out=${OUT:-out}
mkdir -p "$out"
model=models/drums.ngs
if [ "$train" = 1 ]; then
  OUT="$out/default" NGSYNTH="$ng" scripts/make-default-model.sh
  model="$out/default/drums.ngs"
fi
for d in demo samples kit; do
  if [ -e "$out/$d" ]; then echo "run-default.sh: $out/$d exists (from an earlier run): move it away or set OUT" >&2; exit 1; fi
done

# The default corpus as a dataset: the test sounds of the demo and the evaluation.
mapfile -t kits < <(scripts/default-kits.sh)
[ -f "$out/drums.ngd" ] || $ng prepare "${kits[@]}" -o "$out/drums.ngd"
$ng demo --model "$model" --data "$out/drums.ngd" -o "$out/demo"
$ng sample --model "$model" -n 4 -o "$out/samples"
$ng kit --model "$model" -o "$out/kit" --name "ngsynth default" \
  --license "GPL-2+ (sampled from a model trained on Debian hydrogen-drumkits; models/README.md)"
$ng drums --model "$model" --write-pattern "$out/beat.json"
$ng drums --model "$model" "$out/beat.json" --loops 4 -o "$out/beat.wav"
$ng eval --model "$model" --data "$out/drums.ngd" --json "$out/eval.json"
echo "done: open $out/demo/index.html; new hits in $out/samples, a Hydrogen kit and SFZ in" \
  "$out/kit, a drum loop $out/beat.wav, metrics in $out/eval.json (model: $model)"
