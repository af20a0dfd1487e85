# Shared by the suite benchmarks: a release build, the development certificates, an intake
# database of N demo tickets (seeded once, kept under state/), and an intake serving it.
# Source it from the repository root.

bench_build() {
  swift build -c release --product intake
  swift build -c release --product gateway
  swift build -c release --product township
  BIN="$(swift build -c release --show-bin-path)"
  "$BIN/township" certs >/dev/null
}

# bench_intake TICKETS PORT: seeds (once) and starts intake; sets INTAKE_PID and INTAKE_STATE.
bench_intake() {
  local tickets=$1 port=$2
  INTAKE_STATE="state/bench-intake-release-$tickets"
  mkdir -p "$INTAKE_STATE"
  cat > "$INTAKE_STATE/intake.json" <<JSON
{ "rpc": { "host": "127.0.0.1", "port": $port }, "metrics": { "port": 0 },
  "state": { "directory": "$INTAKE_STATE" }, "log": { "level": "warning" } }
JSON
  if [ ! -f "$INTAKE_STATE/seeded" ]; then
    echo "seeding $tickets tickets into $INTAKE_STATE (once; about 5 minutes per million)"
    rm -f "$INTAKE_STATE"/intake.sqlite*
    "$BIN/intake" seed --config "$INTAKE_STATE/intake.json" --tickets "$tickets" --progress | tail -1
    touch "$INTAKE_STATE/seeded"
  fi
  "$BIN/intake" serve --config "$INTAKE_STATE/intake.json" &
  INTAKE_PID=$!
  bench_wait_port "$port"
}

bench_wait_port() {
  for _ in $(seq 1 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.2
  done
  echo "nothing listens on 127.0.0.1:$1" >&2
  return 1
}

# Stops the given processes with SIGTERM (they drain) and waits for them.
bench_stop() {
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "$@"; do wait "$pid" 2>/dev/null || true; done
}
