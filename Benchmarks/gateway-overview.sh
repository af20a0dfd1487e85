#!/usr/bin/env bash
# Benchmark of GET /api/cockpit/overview with wrk: req/s and p99 at 100 clients.
# STUB: the 1,000,000-ticket intake it is meant to run against is not wired here yet.
#
# Usage: Benchmarks/gateway-overview.sh [http://127.0.0.1:8080] [login] [password]
# Needs: wrk (apt-get install -y wrk), a running gateway with intake behind it.
set -euo pipefail
base=${1:-http://127.0.0.1:8080}
login=${2:-leader}
password=${3:-township-demo}
token=$(curl -fsS -X POST "$base/api/auth/login" -H 'Content-Type: application/json' \
  -d "{\"login\":\"$login\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
# Complete answers are cached for overview.cacheMilliseconds (2 s by default) and
# concurrent requests are coalesced, so this measures the gateway far more than intake;
# set overview.cacheMilliseconds=0 to measure the backend round.
wrk --latency -t4 -c100 -d30s -H "Authorization: Bearer $token" "$base/api/cockpit/overview"
