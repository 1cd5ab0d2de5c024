#!/usr/bin/env bash
# Compares sampled events with the real ones, per class: median RMS level and median sox
# "rough frequency" (a zero-crossing estimate of the dominant frequency) of N events sampled
# from the event prior and of the first N training events of each class, read from the
# dataset's manifest. Usage: scripts/sample-stats.sh MODEL.ngs DATASET.ngd [N]
set -euo pipefail
model=$1 data=$2 n=${3:-16}
ng=${NG:-build/bin/ngsynth}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
manifest=${data%.ngd}.manifest.json
$ng sample --model "$model" -n "$n" --seed 1 -o "$tmp/s" > /dev/null
median() { sort -g | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : "nan")}'; }
stat() { sox "$1" -n stat 2>&1 | awk -v k="$2" 'index($0, k) == 1 {print $NF}'; }
printf "%-8s %14s %14s %18s %18s\n" class "rms sampled" "rms real" "freq sampled (Hz)" "freq real (Hz)"
for f in "$tmp"/s/*_000.wav; do
  c=$(basename "$f" _000.wav)
  real=$(jq -r --arg c "$c" --argjson n "$n" \
    '[.files[] | select(.accepted and .class == $c and .split == "train") | .path][:$n][]' "$manifest")
  rs=$(for s in "$tmp"/s/"$c"_*.wav; do stat "$s" "RMS     amplitude"; done | median)
  fs=$(for s in "$tmp"/s/"$c"_*.wav; do stat "$s" "Rough   frequency"; done | median)
  rr=$(while read -r p; do sox "$p" -c 1 -r 16000 "$tmp/r.wav" gain -n -0.915 trim 0 0.704 2>/dev/null && stat "$tmp/r.wav" "RMS     amplitude"; done <<< "$real" | median)
  fr=$(while read -r p; do sox "$p" -c 1 -r 16000 "$tmp/r.wav" gain -n -0.915 trim 0 0.704 2>/dev/null && stat "$tmp/r.wav" "Rough   frequency"; done <<< "$real" | median)
  printf "%-8s %14s %14s %18s %18s\n" "$c" "$rs" "$rr" "$fs" "$fr"
done
