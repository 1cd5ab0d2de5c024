#!/usr/bin/env bash
# Trains the default model: `ngsynth make` on every kit of Debian's hydrogen-drumkits (not
# the two kits hydrogen-data adds to the same folder), fast preset with the class scaling
# and shifting every grain-decoder layer (FiLM, `class_film`), a light grain KL weight
# (0.001: resyntheses keep crashes), a heavier event KL weight (0.03: sampled percussion
# stays percussion) and the filter loss (3: the decoder's filter against each grain's exact
# magnitudes; percussion and kick resyntheses), exact step counts and seed, so that the
# same command gives the same model on one machine (another CPU's floating-point sums give
# a different model of about the same quality). 31 minutes on the Intel Xeon 2-core
# machine it was made on, 59 on the project's first machine (the 60-minute budget of
# issue 8).
# Resumable: run it again after a stop or a kill and it continues.
#   OUT=dir (default out/default): the model is OUT/drums.ngs, the work folder OUT/drums.make
set -euo pipefail
cd "$(dirname "$0")/.."
ng=${NGSYNTH:-build/bin/ngsynth}
out=${OUT:-out/default}
mkdir -p "$out"
mapfile -t kits < <(scripts/default-kits.sh)
[ "${#kits[@]}" -gt 0 ] || exit 1
exec "$ng" make "${kits[@]}" -o "$out/drums.ngs" --grain-steps 12000 --event-steps 2500 --seed 2 --threads 2 --half --set-grain class_film=true --set-grain beta_max=0.001 --set-event beta_max=0.03 --set-grain filter_loss_weight=3
