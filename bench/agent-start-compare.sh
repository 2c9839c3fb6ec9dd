#!/usr/bin/env bash
# Start time and resident memory of the agent as the launcher runs it (JVM flags and class-data
# archive of deploy/bin/migplan-agent), for two or more builds run alternately, so that each sees
# the same moments of a shared machine. Measured as in bench/agent-start.sh: from exec to the
# "serving at" line; VmRSS 3 s later, idle. Also the CPU time the main thread and the whole
# process had used by the "serving at" line: on a machine busy with other work the start time
# mostly measures waiting for a core, while the main thread's CPU time is the agent's own
# critical path (what a second thread does beside it is not on it).
# Usage: bench/agent-start-compare.sh RUNS NAME=JAR NAME=JAR...
#   e.g. bench/agent-start-compare.sh 7 before=../wt-before/host-agent/target/host-agent-0.1.0-SNAPSHOT.jar \
#          after=host-agent/target/host-agent-0.1.0-SNAPSHOT.jar
# (each jar with its lib/ beside it, as `./mvnw -pl host-agent -am package` leaves it)
set -euo pipefail
RUNS="${1:?usage: $0 RUNS NAME=JAR NAME=JAR...}"
shift
[ "$#" -ge 1 ] || { echo "usage: $0 RUNS NAME=JAR NAME=JAR..." >&2; exit 2; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
FLAGS=(-Xmx64m -Xms8m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=16m -Xss256k
  -Dio.grpc.netty.shaded.io.netty.allocator.numDirectArenas=1
  -Dio.grpc.netty.shaded.io.netty.allocator.numHeapArenas=1)

NAMES=()
declare -A JARS
for arg in "$@"; do
  NAMES+=("${arg%%=*}")
  JARS[${arg%%=*}]="$(cd "$(dirname "${arg#*=}")" && pwd)/$(basename "${arg#*=}")"
done

# One generated T4 host tree (2 GPUs); the scheduler address is a closed port, so reports just fail.
FIRST="${JARS[${NAMES[0]}]}"
timeout 15 java -jar "$FIRST" simulate --hosts 1 --seed 1 --dir "$WORK/fleet" --scheduler 127.0.0.1:1 --insecure >/dev/null 2>&1 || true
CONFIG="$WORK/fleet/host-01/agent.yaml"
sed -i 's/^port:.*$/port: 0/' "$CONFIG"
grep -q '^port:' "$CONFIG" || echo 'port: 0' >>"$CONFIG"

# Each build's class-data archive, from one warmup run, as the launcher builds it on first start.
for n in "${NAMES[@]}"; do
  java "${FLAGS[@]}" -XX:ArchiveClassesAtExit="$WORK/$n.jsa" -jar "${JARS[$n]}" warmup --config "$CONFIG" >/dev/null 2>&1
done

declare -A STARTS RSSS MAINS CPUS
for i in $(seq 1 "$RUNS"); do
  for n in "${NAMES[@]}"; do
    t0=$(date +%s%N)
    coproc AGENT { exec java "${FLAGS[@]}" -XX:SharedArchiveFile="$WORK/$n.jsa" -jar "${JARS[$n]}" run --config "$CONFIG" 2>&1; }
    pid=$AGENT_PID
    while IFS= read -r line <&"${AGENT[0]}"; do
      case "$line" in *"serving at"*) break ;; esac
    done
    t1=$(date +%s%N)
    # The JVM names its main thread after the launcher ("java"); it has done the most work of those.
    main=0
    for t in /proc/"$pid"/task/*; do
      if [ "$(cat "$t"/comm)" = java ]; then
        c=$(awk '{print ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"'}' "$t"/stat)
        [ "$c" -gt "$main" ] && main=$c
      fi
    done
    cpu=$(awk '{print ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"'}' /proc/"$pid"/stat)
    sleep 3
    rss=$(awk '/VmRSS/ {print $2}' /proc/"$pid"/status)
    kill "$pid"; wait "$pid" 2>/dev/null || true
    ms=$(( (t1 - t0) / 1000000 ))
    STARTS[$n]+="$ms "
    RSSS[$n]+="$rss "
    MAINS[$n]+="$main "
    CPUS[$n]+="$cpu "
    printf 'run %d %-12s start %5d ms   RSS %6.1f MB   CPU main thread %4d ms, process %4d ms\n' "$i" "$n" "$ms" \
      "$(echo "$rss/1024" | bc -l)" "$main" "$cpu"
  done
done

# Median and range of each build; the load average says how busy the machine was.
uptime
stats() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)], a[1], a[NR]}'; }
for n in "${NAMES[@]}"; do
  read -r ms lo hi <<<"$(echo "${STARTS[$n]}" | stats)"
  read -r rss rlo rhi <<<"$(echo "${RSSS[$n]}" | stats)"
  read -r main mlo mhi <<<"$(echo "${MAINS[$n]}" | stats)"
  read -r cpu clo chi <<<"$(echo "${CPUS[$n]}" | stats)"
  printf '%-12s start median %5d ms (%d-%d)   RSS median %5.1f MB (%.1f-%.1f)   CPU main thread %d ms (%d-%d), process %d ms (%d-%d)   %d runs\n' \
    "$n" "$ms" "$lo" "$hi" "$(echo "$rss/1024" | bc -l)" "$(echo "$rlo/1024" | bc -l)" "$(echo "$rhi/1024" | bc -l)" \
    "$main" "$mlo" "$mhi" "$cpu" "$clo" "$chi" "$RUNS"
done
