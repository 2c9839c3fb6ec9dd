#!/usr/bin/env bash
# One evacuation planned offline (java -jar quarkus-run.jar plan --fleet FILE evacuate HOST…, as
# `migplan what-if` runs it) by two packaged schedulers run alternately, so that each sees the same
# moments of a shared machine: BEFORE with the JVM options what-if used before (-XX:+UseParallelGC),
# AFTER with today's (WhatIfCommand.JVM_OPTIONS), once reading the file (--no-cache: a file's first
# plan) and once from the cache beside it (a repeated plan). Each run is a new JVM; wall, user and
# system seconds per run, then the medians, and whether every run planned the same migrations.
# Usage: bench/offline-plan-compare.sh RUNS FILE BEFORE_APP AFTER_APP HOST...
#   e.g. bench/offline-plan-compare.sh 5 /tmp/offline-bench/fleet.json ../wt-before/scheduler/target/quarkus-app \
#        scheduler/target/quarkus-app h00000 h00001 h00002 h00003 h00004 h00005 h00006 h00007
set -euo pipefail
RUNS="${1:?usage: $0 RUNS FILE BEFORE_APP AFTER_APP HOST...}"
FILE="${2:?}"
BEFORE="${3:?}"
AFTER="${4:?}"
shift 4
HEAP="-Xmx1g -Xms1g"
BEFORE_OPTS="$HEAP -XX:+UseParallelGC"
AFTER_OPTS="$HEAP -XX:+UseParallelGC -XX:MetaspaceSize=256m" # WhatIfCommand.JVM_OPTIONS
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# The cache the cached runs read, written once by the AFTER scheduler.
rm -f "$FILE.plan-cache"
java $AFTER_OPTS -jar "$AFTER/quarkus-run.jar" plan --fleet "$FILE" evacuate "$@" > "$WORK/reference.json"
test -f "$FILE.plan-cache"
run() { # NAME OPTS APP [--no-cache]
  local name=$1 opts=$2 app=$3
  shift 3
  /usr/bin/time -f "%e %U %S" -o "$WORK/t" java $opts -jar "$app/quarkus-run.jar" plan --fleet "$FILE" "$@" \
    evacuate "${HOSTS[@]}" > "$WORK/$name.json"
  local t; t="$(cat "$WORK/t")"
  echo "$t" >> "$WORK/$name"
  local same=no
  python3 -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); sys.exit(a["migrations"]!=b["migrations"])' \
    "$WORK/reference.json" "$WORK/$name.json" && same=yes
  echo "$name run $r: wall user sys $t, same migrations: $same"
}
HOSTS=("$@")
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$RUNS"); do
  run before "$BEFORE_OPTS" "$BEFORE"
  run after-reading-the-file "$AFTER_OPTS" "$AFTER" --no-cache
  run after-from-the-cache "$AFTER_OPTS" "$AFTER"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for name in before after-reading-the-file after-from-the-cache; do
  echo "$name: median wall $(cut -d' ' -f1 "$WORK/$name" | median) s, user $(cut -d' ' -f2 "$WORK/$name" | median) s," \
    "sys $(cut -d' ' -f3 "$WORK/$name" | median) s"
done
