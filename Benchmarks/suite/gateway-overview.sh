#!/usr/bin/env bash
# wrk against GET /api/cockpit/overview over an intake of N demo tickets (default 1,000,000):
# req/s and latency percentiles at 100 concurrent clients, three times in one run:
#   1. the gateway as shipped, asked as browsers ask (Accept-Encoding: gzip; complete answers
#      are cached for 2 s and gzipped once),
#   2. the same, asked without Accept-Encoding (the ~150 KB JSON as is), and
#   3. the same gateway with the cache off (overview.cacheMilliseconds = 0), i.e. every
#      round fans out to intake: what a wall of screens would cost without the cache.
# and prints the ratio of 2 to 3.
#   Benchmarks/suite/gateway-overview.sh [TICKETS]
# Environment: BENCH_SECONDS (30 per run). Needs wrk (apt-get install -y wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."
. Benchmarks/suite/lib.sh
TICKETS="${1:-1000000}"
SECONDS_PER_RUN="${BENCH_SECONDS:-30}"
INTAKE_PORT=7192
HTTP_PORT=8191
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
bench_build
bench_intake "$TICKETS" "$INTAKE_PORT"
GATEWAY_PID=""
trap 'bench_stop $GATEWAY_PID $INTAKE_PID' EXIT
STATE="state/bench-gateway"
mkdir -p "$STATE"
CERTS="$PWD/state/certs"

# run_gateway CACHE_MS: (re)starts the gateway with that cache lifetime.
run_gateway() {
  [ -n "$GATEWAY_PID" ] && bench_stop "$GATEWAY_PID"
  cat > "$STATE/gateway.json" <<JSON
{ "http": { "host": "127.0.0.1", "port": $HTTP_PORT }, "metrics": { "port": 0 },
  "tls": { "ca": "$CERTS/ca.crt", "certificate": "$CERTS/service-gateway.crt", "key": "$CERTS/service-gateway.key" },
  "backends": { "intake": { "endpoints": ["127.0.0.1:$INTAKE_PORT"] } },
  "users": { "database": "$PWD/$STATE/users.sqlite" },
  "overview": { "cacheMilliseconds": $1 }, "log": { "level": "warning" } }
JSON
  "$BIN/gateway" --config "$STATE/gateway.json" >/dev/null &
  GATEWAY_PID=$!
  bench_wait_port "$HTTP_PORT"
}

# measure LABEL [HEADER]: one wrk run; prints its summary and keeps req/s and p99 in RPS/P99.
measure() {
  local base="http://127.0.0.1:$HTTP_PORT"
  local token
  token=$(curl -fsS -X POST "$base/api/auth/login" -H 'Content-Type: application/json' \
    -d '{"login":"leader","password":"township-demo"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  # The answer must be whole before it is worth timing: a partial one is cheaper to make.
  curl -fsS -H "Authorization: Bearer $token" "$base/api/cockpit/overview" \
    | python3 -c 'import json,sys; o=json.load(sys.stdin); assert o["complete"], o; print("overview complete:", o["complete"], "tickets:", o["sections"]["intake"]["data"]["statistics"]["overall"]["ticketCount"])'
  echo "== $1: wrk -t4 -c100 -d${SECONDS_PER_RUN}s --latency"
  local extra=()
  [ -n "${2:-}" ] && extra=(-H "$2")
  wrk -t4 -c100 -d"${SECONDS_PER_RUN}s" --latency -H "Authorization: Bearer $token" "${extra[@]}" "$base/api/cockpit/overview" | tee "$STATE/wrk.txt"
  RPS=$(awk '/^Requests\/sec/ {print $2}' "$STATE/wrk.txt")
  P99=$(awk '$1 == "99%" {print $2}' "$STATE/wrk.txt")
}

run_gateway 2000
measure "as shipped, gzip accepted (as browsers ask)" "Accept-Encoding: gzip"
GZIP_RPS=$RPS GZIP_P99=$P99
measure "as shipped, no Accept-Encoding"
CACHED_RPS=$RPS CACHED_P99=$P99
run_gateway 0
measure "cache off (every round fans out to intake)"
printf '\n%-50s %12s %10s\n' "overview over $TICKETS tickets, 100 clients" "req/s" "p99"
printf '%-50s %12s %10s\n' "as shipped, gzip (2 s cache, coalescing)" "$GZIP_RPS" "$GZIP_P99"
printf '%-50s %12s %10s\n' "as shipped, plain JSON" "$CACHED_RPS" "$CACHED_P99"
printf '%-50s %12s %10s\n' "cache off, plain JSON" "$RPS" "$P99"
python3 -c "print(f'{\"ratio (as shipped / cache off, plain JSON)\":50} {$CACHED_RPS / $RPS:11.1f}x')"
