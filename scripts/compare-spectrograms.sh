#!/usr/bin/env bash
# One picture to compare models by eye (README, "The tonal bank"): for each CLASS:SOUND,
# one panel (top to bottom, in the order given) holding, left to right, 0.7 s each: the
# real sound, its resynthesis by each MODEL (with that class), then one sampled hit of the
# class from each MODEL (seed 1). Needs sox and a built ngsynth (NGSYNTH, default
# build/bin/ngsynth).
# Usage: scripts/compare-spectrograms.sh OUT.png MODEL_A[,MODEL_B...] CLASS:SOUND...
# Example: scripts/compare-spectrograms.sh docs/tonal_vs_plain.png \
#   models/drums.ngs,tonal.ngs kick:/usr/share/hydrogen/data/drumkits/BJA_Pacific/BD_07.aiff
set -euo pipefail
out="${1:?usage: compare-spectrograms.sh OUT.png MODEL[,MODEL...] CLASS:SOUND...}"
IFS=, read -r -a models <<< "${2:?no models}"
shift 2
[ $# -gt 0 ] || { echo "compare-spectrograms.sh: no CLASS:SOUND given" >&2; exit 2; }
ngsynth="${NGSYNTH:-build/bin/ngsynth}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# 0.7 s at 16 kHz, mono, with 20 ms fades so that no cut draws a vertical line.
clip() { sox -V1 "$1" -r 16000 -b 16 -c 1 "$2" pad 0 0.7 trim 0 0.7 fade 0.002 0.7 0.02; }
rows=()
i=0
for pair in "$@"; do
  cls="${pair%%:*}"; sound="${pair#*:}"
  i=$((i + 1))
  parts=("$tmp/real$i.wav")
  [ -f "$sound" ] || { echo "compare-spectrograms.sh: $sound: no such file" >&2; exit 2; }
  sox -V1 "$sound" "$tmp/norm$i.wav" norm -1
  clip "$tmp/norm$i.wav" "$tmp/real$i.wav"
  for m in "${!models[@]}"; do
    # From the peak-normalised copy the real panel shows: a resynthesis keeps its input's
    # loudness, so a quiet original would otherwise look many dB darker than its panel.
    "$ngsynth" resynth --model "${models[$m]}" "$tmp/norm$i.wav" --class "$cls" --seed 1 \
      -o "$tmp/r$m-$i.wav" >/dev/null
    clip "$tmp/r$m-$i.wav" "$tmp/rc$m-$i.wav"
    parts+=("$tmp/rc$m-$i.wav")
  done
  for m in "${!models[@]}"; do
    "$ngsynth" sample --model "${models[$m]}" --class "$cls" -n 1 --seed 1 -o "$tmp/s$m-$i" >/dev/null
    clip "$tmp/s$m-$i/${cls}_000.wav" "$tmp/sc$m-$i.wav"
    parts+=("$tmp/sc$m-$i.wav")
  done
  sox "${parts[@]}" "$tmp/row$i.wav"
  rows+=("$tmp/row$i.wav")
done
# One channel per row: sox draws channels as panels, top to bottom.
if [ ${#rows[@]} -gt 1 ]; then sox -M "${rows[@]}" "$tmp/all.wav"; else cp "${rows[0]}" "$tmp/all.wav"; fi
names=$(for m in "${models[@]}"; do basename "$m" .ngs; done | paste -sd/)
sox "$tmp/all.wav" -n spectrogram -x 1400 -Y $((150 * ${#rows[@]} + 100)) -z 90 \
  -t "rows: ${*%%:*}" -c "real | resynthesis: $names | sampled: $names (0.7 s each)" \
  -o "$out.tmp.png"
mv "$out.tmp.png" "$out"
echo "wrote $out"
