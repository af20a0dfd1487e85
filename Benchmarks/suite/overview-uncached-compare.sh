#!/usr/bin/env bash
# The uncached overview's round, taken apart, for before/after comparisons of two builds in one
# sitting (run them alternately: the machine's load then hits both alike):
#   BIN_DIR=/tmp/old-bin Benchmarks/suite/overview-uncached-compare.sh 15
#   BIN_DIR=/tmp/new-bin Benchmarks/suite/overview-uncached-compare.sh 15 [perf]
# BIN_DIR holds intake and gateway release binaries (default .build-release/release). Over the
# 1M-ticket database gateway-overview.sh seeds (state/bench-intake-release-1000000), it starts
# intake with its metrics on and the gateway with overview.cacheMilliseconds = 0, measures
# intake's CPU per statistics call over 300 sequential calls (CPU time moves less with the
# machine's load than wall time), times 40 sequential requests of the overview and of
# /api/intake/statistics, then runs wrk -t4 -c100 for SECONDS (with gzip), and prints intake's
# server-side mean time per method and both processes' CPU per round over that run.
# `perf`: perf record -g on both processes during wrk (/tmp/perf-intake.data,
# /tmp/perf-gateway.data; PERF_HZ, default 499). SEQ_PERF=1: perf --call-graph dwarf on intake
# during the first 3 s of the 300 statistics calls (/tmp/perf-stats.data). WRITES_PER_SECOND=N:
# N submissions a second through the gateway during wrk (leader, one at a time), into a copy of
# the database (state/bench-intake-writes-1000000, made once), so rounds see changing data.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN_DIR:-.build-release/release}
S=state/bench-intake-release-1000000
[ -f "$S/seeded" ] || { echo "seed it first: Benchmarks/suite/gateway-overview.sh" >&2; exit 1; }
if [ -n "${WRITES_PER_SECOND:-}" ]; then
  # Submissions land in a copy, so the seeded database stays at its ticket count.
  [ -f state/bench-intake-writes-1000000/seeded ] || cp -r "$S" state/bench-intake-writes-1000000
  S=state/bench-intake-writes-1000000
fi
mkdir -p state/bench-overview-uncached
cat > state/bench-overview-uncached/intake.json <<JSON
{ "rpc": { "host": "127.0.0.1", "port": 7192 }, "metrics": { "port": 9192 },
  "state": { "directory": "$S" }, "log": { "level": "warning" } }
JSON
$BIN/intake serve --config state/bench-overview-uncached/intake.json & IP=$!
. Benchmarks/suite/lib.sh
# Intake's server-side mean per method between two of its metrics snapshots (its Prometheus
# timers), each line prefixed with LABEL; with CPU_INTAKE/CPU_GATEWAY/CLK_TCK set, also both
# processes' CPU per round (a round is one GetStatistics call).
method_means() {  # BEFORE AFTER LABEL
python3 - "$@" <<'PY'
import os, re, sys
def parse(path):
    d = {}
    for line in open(path):
        m = re.match(r'township_rpc_server_call_duration_seconds_(sum|count)\{(.*)\} (\S+)', line)
        if m:
            meth = re.search(r'method="([^"]+)"', m.group(2)).group(1)
            d.setdefault(meth, {})[m.group(1)] = float(m.group(3))
    return d
a, b, label = parse(sys.argv[1]), parse(sys.argv[2]), sys.argv[3]
for meth, v in sorted(b.items()):
    c = v.get('count', 0) - a.get(meth, {}).get('count', 0); s = v.get('sum', 0) - a.get(meth, {}).get('sum', 0)
    if c: print(f"{label}{meth}: {int(c)} calls, mean {s / c * 1000:.1f} ms")
if 'CPU_INTAKE' in os.environ:
    rounds = b.get('township.intake.v1.Intake/GetStatistics', {}).get('count', 0) - a.get('township.intake.v1.Intake/GetStatistics', {}).get('count', 0)
    tck = int(os.environ['CLK_TCK'])
    for name in ('INTAKE', 'GATEWAY'):
        sec = int(os.environ['CPU_' + name]) / tck
        print(f"{name.lower()} CPU during wrk: {sec:.2f} s" + (f", {sec / rounds * 1000:.1f} ms per round" if rounds else ""))
PY
}
bench_wait_port 7192
G=state/bench-gateway; mkdir -p $G; CERTS=$PWD/state/certs
cat > $G/gateway.json <<JSON
{ "http": { "host": "127.0.0.1", "port": 8191 }, "metrics": { "port": 9191 },
  "tls": { "ca": "$CERTS/ca.crt", "certificate": "$CERTS/service-gateway.crt", "key": "$CERTS/service-gateway.key" },
  "backends": { "intake": { "endpoints": ["127.0.0.1:7192"] } },
  "users": { "database": "$PWD/$G/users.sqlite" },
  "overview": { "cacheMilliseconds": ${CACHE_MS:-0} }, "cockpit": { "benchmarkStaticOverview": true },
  "log": { "level": "warning" } }
JSON
$BIN/gateway --config $G/gateway.json >/dev/null & GP=$!
trap 'kill -TERM $GP $IP 2>/dev/null; wait' EXIT
bench_wait_port 8191
BASE=http://127.0.0.1:8191
TOKEN=$(curl -fsS -X POST "$BASE/api/auth/login" -H 'Content-Type: application/json' -d '{"login":"leader","password":"township-demo"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
for i in $(seq 30); do curl -fsS -H "Authorization: Bearer $TOKEN" $BASE/api/cockpit/overview | python3 -c 'import json,sys; o=json.load(sys.stdin); assert o["complete"]' 2>/dev/null && break; sleep 1; done
# sequential: one request at a time, 40 times
curl -s localhost:9192/metrics > state/bench-overview-uncached/metrics-seq-before.txt || true
# Intake's CPU per statistics call (wall times move with the machine's load; CPU time less).
[ -n "${SEQ_PERF:-}" ] && { perf record -F 999 --call-graph dwarf,16384 -p $IP -o /tmp/perf-stats.data -- sleep 3 >/dev/null 2>&1 & }
SEQ_CPU0=$(awk '{print $14 + $15}' /proc/$IP/stat)
python3 - "$TOKEN" <<'PY'
import sys, urllib.request
for _ in range(300):
    r = urllib.request.Request("http://127.0.0.1:8191/api/intake/statistics", headers={"Authorization": "Bearer " + sys.argv[1]})
    urllib.request.urlopen(r).read()
PY
awk -v t0=$SEQ_CPU0 -v hz=$(getconf CLK_TCK) '{printf "intake CPU per sequential statistics call: %.1f ms (300 calls)\n", ($14 + $15 - t0) * 1000 / hz / 300}' /proc/$IP/stat
curl -s localhost:9192/metrics > state/bench-overview-uncached/metrics-seq-before.txt || true
python3 - "$TOKEN" <<'PY'
import sys, time, urllib.request
tok = sys.argv[1]
def get(p):
    r = urllib.request.Request("http://127.0.0.1:8191" + p, headers={"Authorization": "Bearer " + tok, "Accept-Encoding": "gzip"})
    t = time.perf_counter(); urllib.request.urlopen(r).read(); return (time.perf_counter() - t) * 1000
import os
n = 40
for p in ["/api/cockpit/overview", "/api/intake/statistics"]:
    xs = sorted(get(p) for _ in range(n))
    print(f"sequential {p}: p50 {xs[n//2]:.1f} ms, min {xs[0]:.1f}, p90 {xs[n*9//10]:.1f}")
PY
curl -s localhost:9192/metrics > state/bench-overview-uncached/metrics-before.txt || true
method_means state/bench-overview-uncached/metrics-seq-before.txt state/bench-overview-uncached/metrics-before.txt "sequential, intake "
if [ "${2:-}" = perf ]; then
  perf record -F ${PERF_HZ:-499} -g -p $IP -o /tmp/perf-intake.data -- sleep $1 >/dev/null 2>&1 &
  perf record -F ${PERF_HZ:-499} -g -p $GP -o /tmp/perf-gateway.data -- sleep $1 >/dev/null 2>&1 &
fi
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
cpu_ticks() { awk '{print $14 + $15}' /proc/$1/stat; }
CPU_I0=$(cpu_ticks $IP); CPU_G0=$(cpu_ticks $GP)
WRITER=
if [ -n "${WRITES_PER_SECOND:-}" ]; then
  python3 - "$TOKEN" "$WRITES_PER_SECOND" "$1" > state/bench-overview-uncached/writes.txt <<'PY' & WRITER=$!
import json, sys, time, urllib.request, uuid
token, rate, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
done = failed = 0
start = time.monotonic()
while time.monotonic() - start < seconds:
    due = start + (done + failed) / rate
    if due > time.monotonic(): time.sleep(due - time.monotonic())
    body = json.dumps({"clientRequestId": str(uuid.uuid4()), "submission": {"channel": "CHANNEL_OTHER",
        "place": {"villageId": {"value": "V%02d" % (done % 40 + 1)}}, "problemDescription": "路灯不亮，晚上出行不便"}}).encode()
    r = urllib.request.Request("http://127.0.0.1:8191/api/intake/tickets", data=body, method="POST",
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        urllib.request.urlopen(r).read(); done += 1
    except Exception:
        failed += 1
print(f"submissions beside wrk: {done} accepted, {failed} failed, {done / seconds:.1f}/s")
PY
fi
wrk -t4 -c100 -d${1}s --latency -H "Authorization: Bearer $TOKEN" -H "Accept-Encoding: gzip" $BASE/api/cockpit/overview | grep -E "Requests/sec|50%|90%|99%|Latency"
[ "${2:-}" = perf ] && sleep 2
[ -n "$WRITER" ] && { wait $WRITER; cat state/bench-overview-uncached/writes.txt; }
curl -s localhost:9192/metrics > state/bench-overview-uncached/metrics-after.txt || true
export CPU_INTAKE=$(( $(cpu_ticks $IP) - CPU_I0 )) CPU_GATEWAY=$(( $(cpu_ticks $GP) - CPU_G0 )) CLK_TCK=$(getconf CLK_TCK)
method_means state/bench-overview-uncached/metrics-before.txt state/bench-overview-uncached/metrics-after.txt "intake "
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
