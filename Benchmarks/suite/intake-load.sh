#!/usr/bin/env bash
# intake over N demo tickets (default 1,000,000), served by a release build: acknowledged
# SubmitTicket/s under concurrency, then p50/p99 of ListTickets and GetStatistics.
#   Benchmarks/suite/intake-load.sh [TICKETS]
# Environment: BENCH_SUBMISSIONS (5000), BENCH_CONCURRENCY (32), BENCH_QUERIES (200).
# Needs python3 with the peer's packages (pip install -r proto-spec/peer/requirements.txt).
set -euo pipefail
cd "$(dirname "$0")/../.."
. Benchmarks/suite/lib.sh
TICKETS="${1:-1000000}"
PORT=7191
bench_build
bench_intake "$TICKETS" "$PORT"
trap 'bench_stop $INTAKE_PID' EXIT
python3 Benchmarks/suite/intake_load.py --port "$PORT" --submissions "${BENCH_SUBMISSIONS:-5000}" \
  --concurrency "${BENCH_CONCURRENCY:-32}" --queries "${BENCH_QUERIES:-200}"
