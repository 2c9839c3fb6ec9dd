#!/usr/bin/env bash
# What the container image adds to a build of the scheduler: `package` with and without it
# (-Dimage.skip=true), alternating, from a clean scheduler/target each time, and the two image
# steps on their own (make-root.sh: jlink and the C library; Jib's buildTar), read from Maven's
# timestamps. Prints the median of each.
# Usage: bench/image-build.sh [runs=3]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
TS=(-Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS)

secs() { date -d "$1" +%s.%N; }
# Seconds between the start of the Maven step matching $1 and the start of the next step.
step() {
  local from to
  from="$(grep -m1 -- "--- $1" "$LOG" | cut -d' ' -f1)"
  to="$(grep -A1000 -m1 -- "--- $1" "$LOG" | grep -- ' --- ' | sed -n 2p | cut -d' ' -f1)"
  [ -n "$to" ] || to="$(grep -m1 'BUILD SUCCESS' "$LOG" | cut -d' ' -f1)"
  echo "$(secs "$to") - $(secs "$from")" | bc
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

declare -a WITH WITHOUT ROOT JIB
for i in $(seq "$RUNS"); do
  for variant in without with; do
    rm -rf scheduler/target
    args=(-B -pl scheduler -am package -DskipTests "${TS[@]}")
    [ "$variant" = without ] && args+=(-Dimage.skip=true)
    start=$(date +%s.%N)
    ./mvnw "${args[@]}" >"$LOG" 2>&1
    took=$(echo "$(date +%s.%N) - $start" | bc)
    if [ "$variant" = with ]; then
      WITH+=("$took"); ROOT+=("$(step 'exec:')"); JIB+=("$(step 'jib:')")
    else
      WITHOUT+=("$took")
    fi
    echo "run $i $variant: ${took}s" >&2
  done
done
printf 'package without the image: median %.0f s\n' "$(printf '%s\n' "${WITHOUT[@]}" | median)"
printf 'package with the image:    median %.0f s\n' "$(printf '%s\n' "${WITH[@]}" | median)"
printf '  make-root.sh (jlink, C library): median %.0f s\n' "$(printf '%s\n' "${ROOT[@]}" | median)"
printf '  jib:buildTar:                    median %.0f s\n' "$(printf '%s\n' "${JIB[@]}" | median)"
