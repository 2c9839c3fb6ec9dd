#!/usr/bin/env bash
# Our evacuation planner beside BtrPlace 1.10.2 on the same instances, measured in one run.
#
# Usage: bench/btrplace-side-by-side.sh HARNESS_DIR OUT_DIR
#
# HARNESS_DIR: a writable copy of the btrplace-bench harness, built (target/btrplace-bench.jar), with
#              its side-by-side/ scripts (mig2neutral.py, scale_memory.py, fullcheck.py).
#              cp -r /work/shared/bench/btrplace /tmp/btrplace && chmod -R u+w /tmp/btrplace
#              ./mvnw -B -q -f /tmp/btrplace/pom.xml package -DskipTests
# OUT_DIR:     created; must not exist yet (every figure of a table comes from this one run).
#
# Instances (seed 42): 1 host of 1,000, 5% of 1,000, 5% of 5,000, written by bin/bench-evacuation.
# Per instance and encoding (relaxed, conservative): BtrPlace cold (3 fresh JVMs) and warm (--runs 3,
# one JVM), ours cold (3 fresh JVMs, EvacuationBench --cold) and warm (the bench's median of 3 after
# its warm-up); every plan checked by the harness's `check` and by fullcheck.py. Commands go to
# OUT_DIR/commands.log, the load average before each step to OUT_DIR/loadavg.log, the tables to
# OUT_DIR/tables.md (and stdout).
# Then, in the same run, ours end to end through the product (bin/bench-evacuation-e2e: POST to READY on a
# scheduler started from its jar with the shipped heap, the same fleets reported over gRPC; cold = first
# plan after each of 3 restarts, warm = median of 5) beside BtrPlace's cold (model build + solve) and warm
# figures: OUT_DIR/e2e.md. E2E=0 skips it; E2E_REUSE=1 reuses the evac_e2e_<hosts> databases of an earlier run.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 HARNESS_DIR OUT_DIR" >&2
  exit 2
fi
HARNESS=$(cd "$1" && pwd)
if [ -e "$2" ]; then
  echo "$2 exists; give a new output directory" >&2
  exit 2
fi
mkdir -p "$2"
OUT=$(cd "$2" && pwd)
cd "$(dirname "$0")/.."
PROJECT=$(pwd)

JAR=$HARNESS/target/btrplace-bench.jar
SB=$HARNESS/side-by-side
for f in "$JAR" "$SB/mig2neutral.py" "$SB/scale_memory.py" "$SB/fullcheck.py"; do
  [ -f "$f" ] || { echo "missing $f (build the harness first)" >&2; exit 2; }
done

SEED=42
COLD_RUNS=3
BTR_TIME_LIMIT=60
GUARD=330          # seconds; a BtrPlace run past this is killed and recorded as KILLED
INT_MAX=2147483647 # BtrPlace 1.10.2 overflows above this many MiB of host memory in the fleet
INSTANCES=(1000-1host 1000-5pct 5000-5pct)
ENCODINGS=(relaxed conservative)

log() { echo "$*" | tee -a "$OUT/commands.log" >&2; }
load() { # step label
  printf '%s\t%s\t%s\n' "$(date +%H:%M:%S)" "$1" "$(cat /proc/loadavg)" >> "$OUT/loadavg.log"
}
run() { # logged command
  log "+ $*"
  "$@"
}
wall() { # seconds since $1 (date +%s.%N)
  python3 -c "import sys,time; print('%.3f' % (time.time() - float(sys.argv[1])))" "$1"
}

echo "# $(date -Is) $(uname -n), $(nproc) cores; project $(git rev-parse --short HEAD)" > "$OUT/commands.log"
load start

# ---- 1. our instances, our warm figures (median of 3 after the bench's warm-up rounds, one JVM)
INST=$OUT/instances
load "bench-evacuation"
log "+ bin/bench-evacuation --sizes 1000,5000 --runs 3 --seed $SEED --json $INST --eligible > $OUT/ours-warm.txt"
bin/bench-evacuation --sizes 1000,5000 --runs 3 --seed $SEED --json "$INST" --eligible \
  > "$OUT/ours-warm.txt" 2> "$OUT/ours-warm.log"
load "bench-evacuation done"
grep -v '^SLF4J' "$OUT/ours-warm.txt" >&2

# The same classpath the bench used, for the cold runs.
CP="scheduler/target/classes:scheduler/target/test-classes:$(cat scheduler/target/bench.classpath)"
OURS_JAVA=(java -Xms6g -Xmx6g -XX:+UseParallelGC -cp "$CP" io.migplan.scheduler.bench.EvacuationBench)
BTR_JAVA=(java -Xmx8g -jar "$JAR")

btr() { # name extra-args...; reads inst, enc, e (output folder) and solve (scenario file)
  local name=$1; shift
  load "$inst $enc btrplace $name"
  log "+ ${BTR_JAVA[*]} btrplace $solve --time-limit $BTR_TIME_LIMIT --gpu-encoding single --emit-placement $e/btr-$name.placement.json $* > $e/btr-$name.json"
  local t0 rc=0
  t0=$(date +%s.%N)
  timeout $GUARD "${BTR_JAVA[@]}" btrplace "$solve" --time-limit $BTR_TIME_LIMIT --gpu-encoding single \
    --emit-placement "$e/btr-$name.placement.json" "$@" > "$e/btr-$name.json" 2> "$e/btr-$name.log" || rc=$?
  if [ $rc -eq 124 ]; then
    echo "{\"status\":\"KILLED\",\"killedAfterSec\":$GUARD}" > "$e/btr-$name.json"
  fi
  echo "rc=$rc process wall $(wall "$t0") s" >> "$e/btr-$name.log"
}

for inst in "${INSTANCES[@]}"; do
  size=${inst%-*}
  scen=${inst#*-}
  fleet=$INST/fleet-$size.json
  plan=$INST/plan-$size-$scen-optaplanner.json
  d=$OUT/$inst
  mkdir -p "$d"

  # ---- 2. ours cold: one fresh JVM per run, no warm-up; plan() and build+plan of the first plan
  for i in $(seq 1 $COLD_RUNS); do
    load "$inst ours cold $i"
    log "+ ${OURS_JAVA[*]} --cold --size $size --scenario $scen --seed $SEED --plan $d/ours-cold-$i.plan.json --eligible > $d/ours-cold-$i.json"
    t0=$(date +%s.%N)
    "${OURS_JAVA[@]}" --cold --size "$size" --scenario "$scen" --seed $SEED --plan "$d/ours-cold-$i.plan.json" \
      --eligible 2> "$d/ours-cold-$i.log" | grep '^{' > "$d/ours-cold-$i.json"
    echo "process wall $(wall "$t0") s" >> "$d/ours-cold-$i.log"
  done
  # Placements of our plans (warm: the bench's plan; cold: each cold run's plan) and fullcheck.py on
  # each (our rules from the fleet JSON, the same for both encodings; --devices: the plan's GPU parents).
  load "$inst ours fullcheck"
  run python3 "$SB/mig2neutral.py" placement "$fleet" "$plan" --out "$d/ours-warm.placement.json"
  run python3 "$SB/fullcheck.py" "$fleet" "$plan" "$d/ours-warm.placement.json" --devices --eligible \
    --out "$d/ours-warm.fullcheck.json" > /dev/null
  for i in $(seq 1 $COLD_RUNS); do
    p=$d/ours-cold-$i
    run python3 "$SB/mig2neutral.py" placement "$fleet" "$p.plan.json" --out "$p.placement.json"
    run python3 "$SB/fullcheck.py" "$fleet" "$p.plan.json" "$p.placement.json" --devices --eligible \
      --out "$p.fullcheck.json" > /dev/null
    rm -f "$p.plan.json" # it carries the eligible lists (455 MB at 5,000 hosts); only the check needed them
  done

  for enc in "${ENCODINGS[@]}"; do
    e=$d/$enc
    mkdir -p "$e"
    # ---- 3. convert; scale memory to GiB when the fleet's memory passes Java's int
    load "$inst $enc convert"
    run python3 "$SB/mig2neutral.py" scenario "$fleet" "$plan" --encoding "$enc" --out "$e/scenario.json" \
      --report "$e/report.json" 2> "$e/convert.log"
    mem=$(python3 -c "import json,sys; print(sum(h['memoryMiB'] for h in json.load(open(sys.argv[1]))['hosts']))" \
      "$e/scenario.json")
    solve=$e/scenario.json
    if [ "$mem" -gt "$INT_MAX" ]; then
      log "# host memory $mem MiB > $INT_MAX: BtrPlace solves the GiB copy"
      run python3 "$SB/scale_memory.py" "$e/scenario.json" "$e/scenario-gib.json"
      solve=$e/scenario-gib.json
    fi

    # ---- 4. BtrPlace cold (fresh JVM per run) and warm (--runs 3 in one JVM)
    for i in $(seq 1 $COLD_RUNS); do btr "cold-$i"; done
    btr warm --runs 3

    # ---- 5. every plan through the harness's check (this encoding's rules, original MiB); BtrPlace's
    # placements also through fullcheck.py (our rules). BtrPlace chooses no GPU parents, so no --devices.
    load "$inst $enc checks"
    for p in ours-warm $(seq -f 'ours-cold-%g' 1 $COLD_RUNS) btr-warm $(seq -f 'btr-cold-%g' 1 $COLD_RUNS); do
      case $p in
        ours-*) src=$d/$p.placement.json ;;
        *) src=$e/$p.placement.json ;;
      esac
      if [ ! -s "$src" ]; then
        echo '{"noPlacement":true}' > "$e/$p.check.json"
        echo '{"noPlacement":true}' > "$e/$p.fullcheck.json"
        continue
      fi
      run "${BTR_JAVA[@]}" check "$e/scenario.json" "$src" > "$e/$p.check.json"
      case $p in
        btr-*) run python3 "$SB/fullcheck.py" "$fleet" "$plan" "$src" --eligible --out "$e/$p.fullcheck.json" > /dev/null ;;
      esac
    done
  done
done
# ---- 7. ours end to end, the same fleets and drained hosts (seed 42), through the product
if [ "${E2E:-1}" = 1 ]; then
  reuse=()
  [ "${E2E_REUSE:-0}" = 1 ] && reuse=(--reuse true)
  load "e2e 1000"
  run bin/bench-evacuation-e2e --sizes 1000 --cases 1host,5pct --runs 5 --cold $COLD_RUNS --dir "$OUT/e2e" \
    "${reuse[@]}" > "$OUT/e2e-1000.txt" 2> "$OUT/e2e-1000.log"
  load "e2e 5000"
  run bin/bench-evacuation-e2e --sizes 5000 --cases 5pct --runs 5 --cold $COLD_RUNS --dir "$OUT/e2e" \
    --scheduler-opts '-Dmigplan.matrix.refresh-on-report=false' "${reuse[@]}" \
    > "$OUT/e2e-5000.txt" 2> "$OUT/e2e-5000.log"
  load "e2e done"
fi
load end

# ---- 6. tables
python3 - "$OUT" "${INSTANCES[@]}" <<'PY' | tee "$OUT/tables.md"
import json, os, re, statistics, sys

out, instances = sys.argv[1], sys.argv[2:]
RUNS = 3


def js(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def warm_ours(size, scen):
    # "hosts evacuate planner vms median_ms hard moved unplaced ..." from bin/bench-evacuation
    for line in open(os.path.join(out, "ours-warm.txt"), encoding="utf-8"):
        f = line.split()
        if len(f) > 7 and f[0] == size and f[1] == scen and f[2] == "optaplanner":
            return {"ms": int(f[4]), "hard": int(f[5]), "moved": int(f[6]), "unplaced": int(f[7])}
    raise SystemExit("no warm row for %s %s" % (size, scen))


def med(xs):
    return statistics.median(xs) if xs else None


def ms(x):
    return "—" if x is None else "{:,}".format(int(round(x)))


def ratio(a, b):
    return "—" if a is None or b is None or b == 0 else "%.1f×" % (a / b)


def vals(xs):
    xs = ["—" if x is None else str(x) for x in xs]
    return xs[0] if len(set(xs)) == 1 else " / ".join(xs)


def loadavg(label):
    """1-minute load averages logged at the start of the steps whose label starts with `label`."""
    got = []
    for line in open(os.path.join(out, "loadavg.log"), encoding="utf-8"):
        _, lab, la = line.rstrip("\n").split("\t")
        if lab.startswith(label):
            got.append(la.split()[0])
    return "/".join(got) if got else "—"


print("Load: 1-minute load average (`/proc/loadavg`) when each run started (cold: one per run; our warm:"
      " before and after bin/bench-evacuation, which measures all instances). Every step: loadavg.log.\n")
for inst in instances:
    size, scen = inst.split("-")
    d = os.path.join(out, inst)
    w = warm_ours(size, scen)
    oc = [js(os.path.join(d, "ours-cold-%d.json" % i)) for i in range(1, RUNS + 1)]
    for enc in ("relaxed", "conservative"):
        e = os.path.join(d, enc)
        rep = js(os.path.join(e, "report.json"))
        bc = [js(os.path.join(e, "btr-cold-%d.json" % i)) for i in range(1, RUNS + 1)]
        bw = js(os.path.join(e, "btr-warm.json"))
        names = ["cold-%d" % i for i in range(1, RUNS + 1)]

        def chk(p, key):
            c = js(os.path.join(e, p + ".check.json"))
            return c.get(key)

        def fchk(p, key):
            c = js(os.path.join(d if p.startswith("ours") else e, p + ".fullcheck.json"))
            return c.get(key)

        solved = lambda r: r.get("status") in ("SOLVED", "OPTIMAL", "FEASIBLE")
        b_cold = med([r["solveMillis"] for r in bc if solved(r)])
        b_cold_b = med([r["solveMillis"] + r["modelBuildMillis"] for r in bc if solved(r)])
        b_warm = bw["solveMillis"] if solved(bw) else None
        o_cold = med([r["planMillis"] for r in oc])
        o_cold_b = med([r["buildPlanMillis"] for r in oc])
        print("#### %s hosts, %s (%d VMs to move, %d drained), encoding %s\n" % (
            size, "1 host" if scen == "1host" else "5%", rep["vmsToMove"], rep["drainedHosts"], enc))
        print("| planner | cold ms, median of %d fresh JVMs: solve or plan() (with model build) | load, cold runs "
              "| warm ms, median of 3 in one JVM | load, warm | migrations | unplaced | violations, harness `check` "
              "| violations, fullcheck.py |" % RUNS)
        print("|---|---|---|---|---|---|---|---|---|")
        bp = ["btr-" + n for n in names] + ["btr-warm"]
        op = ["ours-" + n for n in names] + ["ours-warm"]
        status = vals([r.get("status") for r in bc] + [bw.get("status")])
        print("| BtrPlace 1.10.2 (%s) | %s (%s) | %s | %s | %s | %s | %s | %s | %s |" % (
            status, ms(b_cold), ms(b_cold_b), loadavg("%s %s btrplace cold" % (inst, enc)), ms(b_warm),
            loadavg("%s %s btrplace warm" % (inst, enc)),
            vals([r.get("migrations") for r in bc + [bw]]), vals([r.get("unplaced") for r in bc + [bw]]),
            vals([chk(p, "hardViolations") for p in bp]), vals([fchk(p, "violations") for p in bp])))
        print("| ours (OptaPlanner) | %s (%s) | %s | %s | %s | %s | %s | %s | %s |" % (
            ms(o_cold), ms(o_cold_b), loadavg("%s ours cold" % inst), ms(w["ms"]), loadavg("bench-evacuation"),
            vals([r["migrations"] for r in oc] + [w["moved"]]), vals([r["unplaced"] for r in oc] + [w["unplaced"]]),
            vals([chk(p, "hardViolations") for p in op]), vals([fchk(p, "violations") for p in op])))
        print("| BtrPlace ÷ ours | %s (%s) | | %s | | | | | |" % (
            ratio(b_cold, o_cold), ratio(b_cold_b, o_cold_b), ratio(b_warm, w["ms"])))
        print("\nMigrations, unplaced and violations list each plan when they differ: the %d cold runs, then the"
              " warm run's plan (BtrPlace: the last of its 3 runs; ours: the bench's last run)." % RUNS)
        runs_b = [r.get("solveMillis") for r in bc]
        runs_o = [r["planMillis"] for r in oc]
        runs_ob = [r["buildPlanMillis"] for r in oc]
        print("\nCold runs: BtrPlace solve %s ms, model build %s ms; ours plan() %s ms, build + plan %s ms. "
              "Warm runs: BtrPlace solve %s ms.\n" % (
                  runs_b, [r.get("modelBuildMillis") for r in bc], runs_o, runs_ob, bw.get("solveMillisRuns")))
        kinds = {}
        for p in bp + op:
            for src, f in (("check", chk), ("fullcheck", fchk)):
                by = f(p, "violationsByKind") or {}
                for k, n in by.items():
                    if n:
                        kinds.setdefault(p, []).append("%s %s %d" % (src, k, n))
        if kinds:
            print("Violations by kind: " + "; ".join("%s: %s" % (p, ", ".join(v)) for p, v in kinds.items()) + "\n")
PY

[ "${E2E:-1}" = 1 ] || exit 0
python3 - "$OUT" "${INSTANCES[@]}" <<'PY' | tee "$OUT/e2e.md"
import json, os, re, statistics, sys

out, instances = sys.argv[1], sys.argv[2:]
# "hosts case vms status [cold, ...] warm_ms solve_ms migrated unplaced rss heap" from EvacuationEndToEndBench
ROW = re.compile(r"^(\d+)\s+(\w+)\s+(\d+)\s+(\w+)\s+\[([\d, ]*)\]\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)")
rows, warms = {}, {}
for size in ("1000", "5000"):
    path = os.path.join(out, "e2e-%s.txt" % size)
    if not os.path.exists(path):
        continue
    last = None
    for line in open(path, encoding="utf-8"):
        m = ROW.match(line)
        if m:
            last = (m.group(1), m.group(2))
            rows[last] = m.groups()
        elif line.startswith("#      warm runs") and last:
            warms[last] = line.split("runs", 1)[1].strip()


def js(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def ms(x):
    return "—" if x is None else "{:,}".format(int(round(x)))


solved = lambda r: r.get("status") in ("SOLVED", "OPTIMAL", "FEASIBLE")
print("Ours: POST /api/v1/plans/evacuation to READY on a scheduler with the shipped heap (cold: the first plan after"
      " each restart, median; warm: median of 5). BtrPlace: model build + solve (cold: median of fresh JVMs; warm:"
      " its --runs 3 in one JVM, median solve + median build). Neither counts its process's start.\n")
print("| instance | encoding | BtrPlace cold | ours cold (runs) | **cold ratio** | BtrPlace warm | ours warm (runs) |"
      " **warm ratio** | ours: status, migrations, unplaced | peak RSS MiB cold/warm |")
print("|---|---|---|---|---|---|---|---|---|---|")
for inst in instances:
    size, scen = inst.split("-")
    r = rows.get((size, scen))
    if r is None:
        continue
    colds = [int(x) for x in r[4].split(",") if x.strip()]
    o_cold, o_warm = statistics.median(colds), int(r[5])
    for enc in ("relaxed", "conservative"):
        e = os.path.join(out, inst, enc)
        bc = [js(os.path.join(e, "btr-cold-%d.json" % i)) for i in (1, 2, 3)]
        bw = js(os.path.join(e, "btr-warm.json"))
        b_cold = statistics.median([x["solveMillis"] + x["modelBuildMillis"] for x in bc if solved(x)] or [0]) or None
        b_warm = bw["solveMillis"] + bw.get("modelBuildMillis", 0) if solved(bw) else None
        ratio = lambda a, b: "—" if a is None or not b else "%.1f×" % (a / b)
        print("| %s | %s | %s | %s (%s) | %s | %s | %s (%s) | %s | %s, %s, %s | %s |" % (
            inst, enc, ms(b_cold), ms(o_cold), r[4], ratio(b_cold, o_cold), ms(b_warm), ms(o_warm),
            warms.get((size, scen), ""), ratio(b_warm, o_warm), r[3], r[7], r[8], r[9]))
PY
