#!/usr/bin/env bash
# The time to read a fleet file (bench/FleetRead.java: FleetReader alone, as `plan --fleet` and
# `simulate --fleet` begin) for two or more checkouts run alternately, so that each sees the same
# moments of a shared machine. Each run is a new JVM with the offline planner's flags, reading the
# file READINGS times: the first reading is cold (what one `plan --fleet` pays), the rest warm.
# Prints each run's times, then per checkout the median cold and the median of the warm readings.
# Usage: bench/fleet-read-compare.sh RUNS READINGS FILE NAME=CHECKOUT NAME=CHECKOUT...
#   e.g. bench/fleet-read-compare.sh 5 4 /tmp/offline-bench/fleet.json before=../wt-before after=.
# (FILE as bin/bench-offline leaves it; each checkout's fleet-format is built first)
set -euo pipefail
RUNS="${1:?usage: $0 RUNS READINGS FILE NAME=CHECKOUT...}"
READINGS="${2:?}"
FILE="${3:?}"
shift 3
BENCH="$(cd "$(dirname "$0")" && pwd)/FleetRead.java"
NAMES=()
declare -A CP
for arg in "$@"; do
  name="${arg%%=*}"
  dir="$(cd "${arg#*=}" && pwd)"
  NAMES+=("$name")
  (cd "$dir" && ./mvnw -B -q -pl fleet-format -am package -DskipTests -Dimage.skip=true \
    dependency:build-classpath -Dmdep.outputFile=target/read.classpath -Dmdep.includeScope=runtime >/dev/null)
  CP[$name]="$dir/fleet-format/target/classes:$(cat "$dir/fleet-format/target/read.classpath")"
done
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq "$RUNS"); do
  for name in "${NAMES[@]}"; do
    line="$(java -Xmx1g -Xms1g -XX:+UseParallelGC -cp "${CP[$name]}" "$BENCH" "$FILE" "$READINGS")"
    echo "$name run $run: $line"
    echo "$line" | sed 's/.*read_ms //' >> "$WORK/$name"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for name in "${NAMES[@]}"; do
  cold="$(cut -d' ' -f1 "$WORK/$name" | median)"
  warm="$(cut -d' ' -f2- "$WORK/$name" | tr ' ' '\n' | grep . | median)"
  echo "$name: cold median ${cold} ms, warm median ${warm} ms"
done
