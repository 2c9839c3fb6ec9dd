#!/usr/bin/env bash
# CPU time (user+sys) of `migplan where-can vm-1` as the launcher runs it (deploy/bin/migplan: its
# JVM flags and its class-data-sharing archive, made untimed by a first run), for two or more
# builds run alternately, so that each sees the same moments of a shared machine. The server is a
# loopback stand-in (python3's HTTP server) answering the summary the scheduler would, so the
# figure is the command's own cost, not the scheduler's. Prints per build the median and minimum
# CPU, the median wall time and the median peak RSS over RUNS runs.
# Usage: bench/cli-start-compare.sh RUNS NAME=JAR NAME=JAR...   (PORT: the stand-in's, default 18777)
#   e.g. bench/cli-start-compare.sh 20 main=../wt-main/cli/target/migplan-cli-0.1.0-SNAPSHOT.jar \
#          this=cli/target/migplan-cli-0.1.0-SNAPSHOT.jar
# (each jar with its lib/ beside it, as `./mvnw -pl cli -am package` leaves it)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:?usage: $0 RUNS NAME=JAR...}"
shift
[ "$#" -ge 1 ] || { echo "usage: $0 RUNS NAME=JAR..." >&2; exit 2; }
PORT="${PORT:-18777}"
WORK="$(mktemp -d)"
STANDIN=""
trap '[ -n "$STANDIN" ] && kill "$STANDIN" 2>/dev/null; rm -rf "$WORK"' EXIT
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }

cat >"$WORK/standin.py" <<'PY'
import http.server, sys
BODY = (b'{"vm":"vm-1","sourceHost":"h1","summary":"1/2 hosts eligible","eligible":1,"hosts":2,'
        b'"candidates":[{"host":"h2","device":"0000:3b:00.0","score":0.5}],'
        b'"rejectedByCode":[{"code":"OLDER_RELEASE","hosts":1}],"rejected":[]}')
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
PY
python3 "$WORK/standin.py" "$PORT" &
STANDIN=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/" >/dev/null 2>&1 && break; sleep 0.1; done

NAMES=()
declare -A JARS
for arg in "$@"; do
  NAMES+=("${arg%%=*}")
  JARS[${arg%%=*}]="$(abs "${arg#*=}")"
done
run() { # build name, output file: one timed run appended as "wall user sys rss"
  MIGPLAN_JAR="${JARS[$1]}" MIGPLAN_CACHE_DIR="$WORK/cache-$1" /usr/bin/time -a -o "$2" -f '%e %U %S %M' \
    deploy/bin/migplan --server "http://127.0.0.1:$PORT" where-can vm-1 >"$WORK/out-$1"
}
for n in "${NAMES[@]}"; do
  run "$n" /dev/null  # makes the build's archive, untimed
  grep -q 'rejected: 1 OLDER_RELEASE' "$WORK/out-$n" || { echo "$n: unexpected output" >&2; cat "$WORK/out-$n" >&2; exit 1; }
done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$RUNS"); do
  for n in "${NAMES[@]}"; do run "$n" "$WORK/times-$n"; done
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf '%-10s %12s %9s %12s %9s\n' build "CPU median" "CPU min" "wall median" "RSS MB"
for n in "${NAMES[@]}"; do
  t="$WORK/times-$n"
  printf '%-10s %11.3fs %8.2fs %11.2fs %9.0f\n' "$n" "$(awk '{print $2+$3}' "$t" | median)" \
    "$(awk '{print $2+$3}' "$t" | sort -n | head -1)" "$(awk '{print $1}' "$t" | median)" \
    "$(awk '{print $4/1024}' "$t" | median)"
done
