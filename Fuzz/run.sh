#!/usr/bin/env bash
# Builds the TownshipWire decoder fuzzer (libFuzzer + ASan) and runs it for RUNS inputs.
# Usage: Fuzz/run.sh [RUNS]   (default 1,000,000). Extra libFuzzer flags: FUZZ_FLAGS="...".
set -euo pipefail
runs="${1:-1000000}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

export ENABLE_FUZZ=1
swift build -c release --scratch-path .build-fuzz --product TownshipWireFuzz \
    --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer
# Not `--show-bin-path`: asking it re-plans the build and the next run rebuilds everything.
fuzzer=".build-fuzz/release/TownshipWireFuzz"

# Swift's backtracer and ASan both want the crash signal.
export SWIFT_BACKTRACE=enable=no

# Seeds: frames our own serializer writes, plus every golden vector when frames.json exists
# (TWP_FRAMES_JSON=FILE points at another copy).
seeds=".build-fuzz/seeds"
corpus=".build-fuzz/corpus"
rm -rf "$seeds"
mkdir -p "$seeds" "$corpus" Fuzz/crashes
TWP_FUZZ_WRITE_SEEDS="$seeds" "$fuzzer"
vectors="${TWP_FRAMES_JSON:-proto-spec/vectors/frames.json}"
if [[ -f "$vectors" ]]; then
    python3 Fuzz/vector_seeds.py "$vectors" "$seeds"
fi

# Inputs are one configuration byte plus a stream; 16 KiB frames need room for a few.
"$fuzzer" "$corpus" "$seeds" \
    -runs="$runs" -max_len=65536 -rss_limit_mb=512 -malloc_limit_mb=64 \
    -artifact_prefix=Fuzz/crashes/ -print_final_stats=1 ${FUZZ_FLAGS:-}
