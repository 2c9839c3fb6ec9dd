#!/usr/bin/env bash
# Start time and resident memory of the agent as its launcher runs it (deploy/bin/migplan-agent:
# its JVM flags, and its class-data archive, built by the launcher's own first start), for two or
# more builds run alternately, so that each sees the same moments of a shared machine. Measured as
# in bench/agent-start.sh: from exec to the "serving at" line; VmRSS 3 s later, idle. Also the CPU
# time the main thread and the whole process had used by the "serving at" line: on a machine busy
# with other work the start time mostly measures waiting for a core, while the main thread's CPU
# time is the agent's own critical path (what a second thread does beside it is not on it).
# Each build is measured with mutual TLS and in plaintext (MODES="tls plain"); the mode "report"
# is TLS with a scheduler target (a closed port), as a production agent starts: it also connects
# to the scheduler and makes its first report attempt.
# Usage: bench/agent-start-compare.sh RUNS NAME=JAR[,LAUNCHER] NAME=JAR[,LAUNCHER]...
#   e.g. bench/agent-start-compare.sh 7 before=../wt-before/host-agent/target/host-agent-0.1.0-SNAPSHOT.jar,../wt-before/deploy/bin/migplan-agent \
#          after=host-agent/target/host-agent-0.1.0-SNAPSHOT.jar
# (each jar with its lib/ beside it, as `./mvnw -pl host-agent -am package` leaves it; LAUNCHER
# defaults to this tree's deploy/bin/migplan-agent)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:?usage: $0 RUNS NAME=JAR[,LAUNCHER]...}"
shift
[ "$#" -ge 1 ] || { echo "usage: $0 RUNS NAME=JAR[,LAUNCHER]..." >&2; exit 2; }
read -r -a MODE_LIST <<<"${MODES:-tls plain}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }

NAMES=()
declare -A JARS LAUNCHERS
for arg in "$@"; do
  name="${arg%%=*}" spec="${arg#*=}"
  NAMES+=("$name")
  JARS[$name]="$(abs "${spec%%,*}")"
  if [[ "$spec" == *,* ]]; then LAUNCHERS[$name]="$(abs "${spec#*,}")"; else LAUNCHERS[$name]="$(abs deploy/bin/migplan-agent)"; fi
done

# One generated T4 host tree (2 GPUs), its CA and certificate, as `pki` makes them; a config per mode.
FIRST="${JARS[${NAMES[0]}]}"
timeout 15 java -jar "$FIRST" simulate --hosts 1 --seed 1 --dir "$WORK/fleet" --scheduler 127.0.0.1:1 --insecure >/dev/null 2>&1 || true
PLAIN="$WORK/fleet/host-01/agent.yaml"
sed -i 's/^port:.*$/port: 0/' "$PLAIN"
grep -q '^port:' "$PLAIN" || echo 'port: 0' >>"$PLAIN"
java -jar "$FIRST" pki init --dir "$WORK/pki" >/dev/null
java -jar "$FIRST" pki issue --host host-01 --dir "$WORK/pki" >/dev/null
declare -A CONFIGS=([tls]="$WORK/fleet/host-01/agent-tls.yaml" [plain]="$PLAIN" [report]="$WORK/fleet/host-01/agent-report.yaml")
cp "$PLAIN" "${CONFIGS[tls]}"
printf 'tls: {ca: %s, cert: %s, key: %s}\n' "$WORK/pki/ca.pem" "$WORK/pki/hosts/host-01.pem" "$WORK/pki/hosts/host-01-key.pem" >>"${CONFIGS[tls]}"
cp "${CONFIGS[tls]}" "${CONFIGS[report]}"
echo 'schedulerTarget: 127.0.0.1:1' >>"${CONFIGS[report]}"
echo 'insecure: true' >>"$PLAIN"

# Starts the launcher of build $1 on mode $2's config; its own cache, so its own archive. The
# launcher execs the JVM, so the process started is the agent. Sets PID, reads up to "serving at".
launch() {
  local n="$1" mode="$2" line
  coproc AGENT { MIGPLAN_AGENT_JAR="${JARS[$n]}" MIGPLAN_CACHE_DIR="$WORK/cache-$n-$mode" exec "${LAUNCHERS[$n]}" "${CONFIGS[$mode]}" 2>&1; }
  PID=$AGENT_PID
  while IFS= read -r line <&"${AGENT[0]}"; do
    case "$line" in *"serving at"*) break ;; esac
  done
}

# The first start of each launcher builds its archive (a warmup run): not measured.
for n in "${NAMES[@]}"; do
  for mode in "${MODE_LIST[@]}"; do
    launch "$n" "$mode"
    kill "$PID"; wait "$PID" 2>/dev/null || true
  done
done

uptime
declare -A STARTS RSSS MAINS CPUS
TICK="$(getconf CLK_TCK)"
for i in $(seq 1 "$RUNS"); do
  for mode in "${MODE_LIST[@]}"; do
    for n in "${NAMES[@]}"; do
      t0=$(date +%s%N)
      launch "$n" "$mode"
      t1=$(date +%s%N)
      # The JVM names its main thread after the launcher ("java"); it has done the most work of those.
      main=0
      for t in /proc/"$PID"/task/*; do
        if [ "$(cat "$t"/comm)" = java ]; then
          c=$(awk '{print int(($14 + $15) * 1000 / '"$TICK"')}' "$t"/stat)
          [ "$c" -gt "$main" ] && main=$c
        fi
      done
      cpu=$(awk '{print int(($14 + $15) * 1000 / '"$TICK"')}' /proc/"$PID"/stat)
      sleep 3
      rss=$(awk '/VmRSS/ {print $2}' /proc/"$PID"/status)
      kill "$PID"; wait "$PID" 2>/dev/null || true
      ms=$(( (t1 - t0) / 1000000 ))
      STARTS[$n/$mode]+="$ms "
      RSSS[$n/$mode]+="$rss "
      MAINS[$n/$mode]+="$main "
      CPUS[$n/$mode]+="$cpu "
      printf 'run %d %-18s start %5d ms   RSS %6.1f MB   CPU main thread %4d ms, process %4d ms\n' "$i" "$n/$mode" "$ms" \
        "$(echo "$rss/1024" | bc -l)" "$main" "$cpu"
    done
  done
done

# Median and range of each build and mode; the load average says how busy the machine was.
uptime
stats() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)], a[1], a[NR]}'; }
for mode in "${MODE_LIST[@]}"; do
  for n in "${NAMES[@]}"; do
    k="$n/$mode"
    read -r ms lo hi <<<"$(echo "${STARTS[$k]}" | stats)"
    read -r rss rlo rhi <<<"$(echo "${RSSS[$k]}" | stats)"
    read -r main mlo mhi <<<"$(echo "${MAINS[$k]}" | stats)"
    read -r cpu clo chi <<<"$(echo "${CPUS[$k]}" | stats)"
    printf '%-18s start median %5d ms (%d-%d)   RSS median %5.1f MB (%.1f-%.1f)   CPU main thread %d ms (%d-%d), process %d ms (%d-%d)   %d runs\n' \
      "$k" "$ms" "$lo" "$hi" "$(echo "$rss/1024" | bc -l)" "$(echo "$rlo/1024" | bc -l)" "$(echo "$rhi/1024" | bc -l)" \
      "$main" "$mlo" "$mhi" "$cpu" "$clo" "$chi" "$RUNS"
  done
done
