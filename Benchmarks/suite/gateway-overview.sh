#!/usr/bin/env bash
# wrk against the cockpit overview over an intake of N demo tickets (default 1,000,000), with its
# ceiling measured in the same run. Three runs of wrk -t4 -c100 --latency, all asked as browsers
# ask (Accept-Encoding: gzip):
#   1. static:   /api/cockpit/overview-static-benchmark, the first complete overview's bytes
#                frozen (cockpit.benchmarkStaticOverview, for benchmarks only): the same server,
#                sign-in, role check and middleware with none of the overview's work. The ceiling.
#   2. cached:   /api/cockpit/overview as shipped (overview.cacheMilliseconds 2000).
#   3. uncached: the same gateway restarted with overview.cacheMilliseconds = 0: no answer is
#                reused once made, so every request starts a fan-out to every backend or, when
#                its audience's round is running, waits for the next one (shared by everyone who
#                came meanwhile: no answer shows data from before its request arrived).
# Prints req/s and p99 of each, the ratios, and the goals of issue 15 as MET / NOT MET:
#   cached req/s >= 0.8 x static req/s, cached p99 <= 1.5 x static p99, uncached p99 <= 50 ms.
#
#   Benchmarks/suite/gateway-overview.sh [TICKETS] 2>&1 | tee Benchmarks/results/gateway-overview-$(date -u +%F).txt
# Environment: BENCH_SECONDS (20 per run); BENCH_SCRATCH (.build): the release build's scratch
# path, so a debug/test build in .build is not undone; BENCH_SKIP_BUILD=1 (unset). The intake database is seeded once into
# state/bench-intake-release-N (outside git, reused by later runs). Needs wrk (apt-get install -y wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."
. Benchmarks/suite/lib.sh
TICKETS="${1:-1000000}"
SECONDS_PER_RUN="${BENCH_SECONDS:-20}"
SCRATCH="${BENCH_SCRATCH:-.build}"
INTAKE_PORT=7192
HTTP_PORT=8191
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
# BENCH_SKIP_BUILD=1 runs the binaries already built (switching products rebuilds some
# dependencies for minutes on a shared machine).
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  for product in intake gateway township; do swift build -c release --scratch-path "$SCRATCH" --product "$product"; done
fi
BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)"
"$BIN/township" certs >/dev/null
echo "gateway at commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources || echo ' (with uncommitted changes)'), $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_intake "$TICKETS" "$INTAKE_PORT"
GATEWAY_PID=""
trap 'bench_stop $GATEWAY_PID $INTAKE_PID' EXIT
STATE="state/bench-gateway"
mkdir -p "$STATE"
CERTS="$PWD/state/certs"
BASE="http://127.0.0.1:$HTTP_PORT"

# run_gateway CACHE_MS: (re)starts the gateway with that cache lifetime and the static ceiling on.
run_gateway() {
  [ -n "$GATEWAY_PID" ] && bench_stop "$GATEWAY_PID"
  cat > "$STATE/gateway.json" <<JSON
{ "http": { "host": "127.0.0.1", "port": $HTTP_PORT }, "metrics": { "port": 0 },
  "tls": { "ca": "$CERTS/ca.crt", "certificate": "$CERTS/service-gateway.crt", "key": "$CERTS/service-gateway.key" },
  "backends": { "intake": { "endpoints": ["127.0.0.1:$INTAKE_PORT"] } },
  "users": { "database": "$PWD/$STATE/users.sqlite" },
  "overview": { "cacheMilliseconds": $1 }, "cockpit": { "benchmarkStaticOverview": true },
  "log": { "level": "warning" } }
JSON
  "$BIN/gateway" --config "$STATE/gateway.json" >/dev/null &
  GATEWAY_PID=$!
  bench_wait_port "$HTTP_PORT"
  TOKEN=$(curl -fsS -X POST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
    -d '{"login":"leader","password":"township-demo"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
}

# measure LABEL PATH: one wrk run; prints its summary and keeps req/s and p99 (ms) in RPS/P99.
measure() {
  # The answer must be whole before it is worth timing: a partial one is cheaper to make. The
  # first rounds after intake starts read its database from disk and may miss the deadline.
  local tries=0
  until curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE$2" | python3 -c '
import json, sys
raw = sys.stdin.buffer.read()
o = json.loads(raw)
assert o["complete"], o
print("answer complete:", o["complete"], "tickets:", o["sections"]["intake"]["data"]["statistics"]["overall"]["ticketCount"], "JSON bytes:", len(raw))' 2>/dev/null; do
    tries=$((tries + 1))
    [ "$tries" -lt 30 ] || { echo "the overview is still incomplete after 30 tries" >&2; exit 1; }
    sleep 1
  done
  local gzipped
  gzipped=$(curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Accept-Encoding: gzip' "$BASE$2" | wc -c)
  echo "gzipped bytes: $gzipped"
  echo "== $1: wrk -t4 -c100 -d${SECONDS_PER_RUN}s --latency -H 'Accept-Encoding: gzip' $2"
  wrk -t4 -c100 -d"${SECONDS_PER_RUN}s" --latency -H "Authorization: Bearer $TOKEN" -H "Accept-Encoding: gzip" "$BASE$2" | tee "$STATE/wrk.txt"
  RPS=$(awk '/^Requests\/sec/ {print $2}' "$STATE/wrk.txt")
  # wrk writes 850.00us, 12.34ms or 1.02s.
  P99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}' "$STATE/wrk.txt")
}

run_gateway 2000
measure "static: the overview's bytes, frozen (the ceiling)" "/api/cockpit/overview-static-benchmark"
STATIC_RPS=$RPS STATIC_P99=$P99
measure "cached: the overview as shipped (2 s cache)" "/api/cockpit/overview"
CACHED_RPS=$RPS CACHED_P99=$P99
run_gateway 0
measure "uncached: overview.cacheMilliseconds = 0 (every round fans out to intake)" "/api/cockpit/overview"
UNCACHED_RPS=$RPS UNCACHED_P99=$P99
python3 - "$TICKETS" "$STATIC_RPS" "$STATIC_P99" "$CACHED_RPS" "$CACHED_P99" "$UNCACHED_RPS" "$UNCACHED_P99" <<'PY'
import sys
tickets, s_rps, s_p99, c_rps, c_p99, u_rps, u_p99 = sys.argv[1], *map(float, sys.argv[2:])
print(f"\n{'overview over ' + tickets + ' tickets, 100 clients, gzip':58} {'req/s':>10} {'p99 ms':>10}")
for label, rps, p99 in [("static (ceiling)", s_rps, s_p99), ("cached", c_rps, c_p99), ("uncached", u_rps, u_p99)]:
    print(f"{label:58} {rps:10.0f} {p99:10.2f}")
print(f"{'cached / static req/s':58} {c_rps / s_rps:10.2f}")
print(f"{'cached p99 / static p99':58} {c_p99 / s_p99:10.2f}")
def goal(text, met): print(f"goal: {text:52} {'MET' if met else 'NOT MET'}")
goal("cached req/s >= 0.8 x static req/s", c_rps >= 0.8 * s_rps)
goal("cached p99 <= 1.5 x static p99", c_p99 <= 1.5 * s_p99)
goal("uncached p99 <= 50 ms", u_p99 <= 50)
PY
