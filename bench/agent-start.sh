#!/usr/bin/env bash
# Agent start time and resident memory of one real agent process.
# Start time: from exec to the agent's "serving at" line (server bound, first scan done).
# RSS: VmRSS of the process 3 s later, idle. The config has no scheduler target, so no report is
# attempted; bench/agent-start-compare.sh's "report" mode has one, as a production agent does.
# Usage: bench/agent-start.sh [runs=10]   (after ./mvnw -B -DskipTests install)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-10}"
JAR=host-agent/target/host-agent-0.1.0-SNAPSHOT.jar
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# The JVM flags deploy/bin/migplan-agent uses (see the reasons there).
FLAGS=(-Xmx64m -Xms8m -Xmn2m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=16m -Xss256k -XX:+ExitOnOutOfMemoryError
  -Dio.grpc.netty.shaded.io.netty.allocator.numDirectArenas=1
  -Dio.grpc.netty.shaded.io.netty.allocator.numHeapArenas=1
  -Dio.grpc.netty.shaded.io.netty.allocator.maxOrder=3)

# One generated T4 host tree; the scheduler address is a closed port, so reports just fail.
timeout 15 java -jar "$JAR" simulate --hosts 1 --seed 1 --dir "$WORK/fleet" --scheduler 127.0.0.1:1 --insecure >/dev/null 2>&1 || true
CONFIG="$WORK/fleet/host-01/agent.yaml"
sed -i 's/^port:.*$/port: 0/' "$CONFIG"
grep -q '^port:' "$CONFIG" || echo 'port: 0' >>"$CONFIG"
# The same host with mutual TLS (a CA and host-01's certificate, as `pki` makes them), and in
# plaintext, which `run` takes only when said out loud.
java -jar "$JAR" pki init --dir "$WORK/pki" >/dev/null
java -jar "$JAR" pki issue --host host-01 --dir "$WORK/pki" >/dev/null
TLS_CONFIG="$WORK/fleet/host-01/agent-tls.yaml"
cp "$CONFIG" "$TLS_CONFIG"
printf 'tls: {ca: %s, cert: %s, key: %s}\n' "$WORK/pki/ca.pem" "$WORK/pki/hosts/host-01.pem" "$WORK/pki/hosts/host-01-key.pem" >>"$TLS_CONFIG"
echo 'insecure: true' >>"$CONFIG"

measure() {
  local label="$1"; shift
  local starts=() rsss=()
  for _ in $(seq 1 "$RUNS"); do
    local t0 t1 pid line
    t0=$(date +%s%N)
    coproc AGENT { exec java "$@" -jar "$JAR" run --config "${RUN_CONFIG:-$CONFIG}" 2>&1; }
    pid=$AGENT_PID
    while IFS= read -r line <&"${AGENT[0]}"; do
      case "$line" in *"serving at"*) break ;; esac
    done
    t1=$(date +%s%N)
    sleep 3
    rsss+=("$(awk '/VmRSS/ {print $2}' /proc/$pid/status)")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    starts+=("$(( (t1 - t0) / 1000000 ))")
  done
  local ms rss
  ms=$(printf '%s\n' "${starts[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  rss=$(printf '%s\n' "${rsss[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-28s start median %5d ms   RSS median %6.1f MB   (%d runs)\n' "$label" "$ms" "$(echo "$rss/1024" | bc -l)" "$RUNS"
}

# Baseline in the same run: the JVM alone printing its version (the floor of any Java agent).
t_base=()
for _ in $(seq 1 "$RUNS"); do
  t0=$(date +%s%N); java "${FLAGS[@]}" -version >/dev/null 2>&1; t1=$(date +%s%N)
  t_base+=("$(( (t1 - t0) / 1000000 ))")
done
printf '%-28s start median %5d ms\n' "JVM -version (floor)" "$(printf '%s\n' "${t_base[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
# The class-data archive the launcher builds on first start, from one warmup run (of the TLS
# config for the TLS rows: its warmup also takes the TLS path).
java "${FLAGS[@]}" -XX:ArchiveClassesAtExit="$WORK/agent.jsa" -jar "$JAR" warmup --config "$CONFIG" >/dev/null 2>&1
java "${FLAGS[@]}" -XX:ArchiveClassesAtExit="$WORK/agent-tls.jsa" -jar "$JAR" warmup --config "$TLS_CONFIG" >/dev/null 2>&1
RUN_CONFIG="$TLS_CONFIG" measure "TLS agent, launcher" "${FLAGS[@]}" -XX:SharedArchiveFile="$WORK/agent-tls.jsa"
measure "agent, launcher (flags+CDS)" "${FLAGS[@]}" -XX:SharedArchiveFile="$WORK/agent.jsa"
RUN_CONFIG="$TLS_CONFIG" measure "TLS agent, flags, no CDS" "${FLAGS[@]}"
measure "agent, flags, no CDS" "${FLAGS[@]}"
measure "agent, JVM defaults"
