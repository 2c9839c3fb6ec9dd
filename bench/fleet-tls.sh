#!/usr/bin/env bash
# Acknowledged reports per second of a simulated fleet against the scheduler, in plaintext and
# with mutual TLS (a certificate per host), one after the other in one run, each on a scheduler
# of its own with a fresh database (the plaintext one without TLS configured, since a scheduler
# with TLS refuses reports without a host certificate).
# Usage: bench/fleet-tls.sh [hosts=1000] [hold=30s]   (after ./mvnw -B -DskipTests package;
# needs the PostgreSQL on 127.0.0.1:5432 and psql). The scheduler listens on HTTP_PORT (18080)
# and HTTPS_PORT (18443): set them when those ports are taken. The TLS pass runs once per engine
# of the scheduler's HTTPS port named in ENGINES (default "openssl jdk": BoringSSL, the default,
# then the JDK's), each on a scheduler and database of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
HOSTS="${1:-1000}"
HOLD="${2:-30s}"
AGENT_JAR=host-agent/target/host-agent-0.1.0-SNAPSHOT.jar
SCHEDULER_JAR=scheduler/target/quarkus-app/quarkus-run.jar
WORK="$(mktemp -d)"
HTTP="${HTTP_PORT:-18080}"
HTTPS="${HTTPS_PORT:-18443}"
sched=""
trap '[ -n "$sched" ] && kill "$sched" 2>/dev/null; rm -rf "$WORK"' EXIT

# A viewer token for bench-fleet's reading of the host list (false STALE marks), signed with a key
# every scheduler of this run shares.
KEYS="$WORK/keys"
TOKEN="$(java -Dmigplan.tokens.key-dir="$KEYS" -jar "$SCHEDULER_JAR" token create --role viewer --ttl 6h \
  --subject bench-fleet 2>/dev/null)"
java -jar "$AGENT_JAR" pki init --dir "$WORK/pki" >/dev/null
java -jar "$AGENT_JAR" pki issue --scheduler --dns localhost --ip 127.0.0.1 --dir "$WORK/pki" >/dev/null

start_scheduler() {
  local db="$1"; shift
  psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db" -c "create database $db" >/dev/null
  DB_URL="jdbc:postgresql://127.0.0.1:5432/$db" java -Xmx1g -Dquarkus.http.port=$HTTP -Dmigplan.tokens.key-dir="$KEYS" "$@" \
    -jar "$SCHEDULER_JAR" >"$WORK/$db.log" 2>&1 &
  sched=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$HTTP/q/health/ready" >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "the scheduler did not start; see $WORK/$db.log" >&2; tail -20 "$WORK/$db.log" >&2; exit 1
}

stop_scheduler() {
  kill "$sched"; wait "$sched" 2>/dev/null || true; sched=""
}

echo "== plaintext"
start_scheduler fleet_plain
java -Xmx512m -jar "$AGENT_JAR" bench-fleet --hosts "$HOSTS" --seed 42 --insecure --token "$TOKEN" \
  --scheduler "127.0.0.1:$HTTP" --dir "$WORK/fleet-plain" --scheduler-pid "$sched" --hold "$HOLD"
stop_scheduler

for engine in ${ENGINES:-openssl jdk}; do
  echo "== mutual TLS, the scheduler's HTTPS port on $engine"
  start_scheduler fleet_tls -Dmigplan.tls.engine="$engine" -Dquarkus.http.ssl-port=$HTTPS \
    -Dquarkus.tls.key-store.pem.0.cert="$WORK/pki/scheduler.pem" -Dquarkus.tls.key-store.pem.0.key="$WORK/pki/scheduler-key.pem" \
    -Dquarkus.tls.trust-store.pem.certs="$WORK/pki/ca.pem"
  java -Xmx512m -jar "$AGENT_JAR" bench-fleet --hosts "$HOSTS" --seed 42 --pki "$WORK/pki" --token "$TOKEN" \
    --scheduler "127.0.0.1:$HTTPS" --scheduler-http "http://127.0.0.1:$HTTP" --dir "$WORK/fleet-tls-$engine" \
    --scheduler-pid "$sched" --hold "$HOLD"
  stop_scheduler
done
psql -h 127.0.0.1 -U postgres -qc "drop database if exists fleet_plain" -c "drop database if exists fleet_tls" >/dev/null
