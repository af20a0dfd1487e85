#!/usr/bin/env bash
# Regenerates everything derived from proto-spec/township/**/*.proto:
#   - Swift messages in Sources/TownshipProtos/ (one .pb.swift per .proto, same relative path),
#   - the method tables (township/**/*.methods.swift, township/service-tables.swift) and
#     Sources/TownshipRoles/TownshipRole.generated.swift (the roles), from the descriptor set,
#   - proto-spec/township.protoset (a FileDescriptorSet with imports, for peers without codegen).
#
# protoc is Debian's (protobuf-compiler). protoc-gen-swift is built once from the mirrored
# swift-protobuf into .build-protoc/ (ignored by git) instead of using swift-protobuf's build
# plugin, which compiles protoc from C++ and takes about nine minutes.
#
# Usage: proto-spec/generate.sh            (from anywhere inside the repository)
set -euo pipefail

SWIFT_PROTOBUF_VERSION="1.39.0"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SPEC="$ROOT/proto-spec"
OUT="$ROOT/Sources/TownshipProtos"
SCRATCH="$ROOT/.build-protoc"
PROTOSET="$SPEC/township.protoset"
PROTOC="${PROTOC:-protoc}"

if ! command -v "$PROTOC" >/dev/null 2>&1; then
    echo "generate.sh: protoc not found; install it with: apt-get install -y protobuf-compiler" >&2
    exit 1
fi

# The well-known types (google/protobuf/timestamp.proto, ...) ship with Debian's protoc.
WKT_INCLUDE="${WKT_INCLUDE:-/usr/include}"
if [[ ! -f "$WKT_INCLUDE/google/protobuf/timestamp.proto" ]]; then
    echo "generate.sh: well-known types not found under $WKT_INCLUDE (set WKT_INCLUDE)" >&2
    exit 1
fi

# --- protoc-gen-swift, built once -------------------------------------------------------------
PLUGIN="$SCRATCH/.build/release/protoc-gen-swift"
STAMP="$SCRATCH/built-version"
if [[ ! -x "$PLUGIN" || "$(cat "$STAMP" 2>/dev/null)" != "$SWIFT_PROTOBUF_VERSION" ]]; then
    echo "generate.sh: building protoc-gen-swift $SWIFT_PROTOBUF_VERSION in $SCRATCH" >&2
    mkdir -p "$SCRATCH/Sources/Anchor"
    cat >"$SCRATCH/Package.swift" <<SWIFT
// swift-tools-version:6.0
// Written by proto-spec/generate.sh: a throwaway package whose only job is to build
// swift-protobuf's protoc-gen-swift at a pinned version.
import PackageDescription

let package = Package(
    name: "ProtocGenSwiftBuilder",
    dependencies: [
        .package(
            url: "https://github.com/apple/swift-protobuf.git", exact: "$SWIFT_PROTOBUF_VERSION"),
    ],
    targets: [
        .target(name: "Anchor", path: "Sources/Anchor"),
    ]
)
SWIFT
    echo "// Intentionally empty: SwiftPM wants a target." >"$SCRATCH/Sources/Anchor/Anchor.swift"
    (cd "$SCRATCH" && swift build -c release --product protoc-gen-swift)
    echo "$SWIFT_PROTOBUF_VERSION" >"$STAMP"
fi

# --- Swift messages, descriptor set, method tables --------------------------------------------
cd "$SPEC"
PROTOS=()
while IFS= read -r proto; do
    PROTOS+=("$proto")
done < <(find township -name '*.proto' | LC_ALL=C sort)
if [[ ${#PROTOS[@]} -eq 0 ]]; then
    echo "generate.sh: no .proto files under $SPEC/township" >&2
    exit 1
fi

# Generated files live under Sources/TownshipProtos/township/; files written by hand sit next
# to that folder and are never touched. Wiping the folder drops output of deleted protos.
rm -rf "$OUT/township"
mkdir -p "$OUT"

"$PROTOC" -I "$SPEC" -I "$WKT_INCLUDE" \
    --plugin=protoc-gen-swift="$PLUGIN" \
    --swift_out="$OUT" \
    --swift_opt=Visibility=Public \
    --swift_opt=FileNaming=FullPath \
    --include_imports \
    --descriptor_set_out="$PROTOSET" \
    "${PROTOS[@]}"

DECODED="$(mktemp)"
trap 'rm -f "$DECODED"' EXIT
"$PROTOC" -I "$WKT_INCLUDE" --decode=google.protobuf.FileDescriptorSet \
    google/protobuf/descriptor.proto <"$PROTOSET" >"$DECODED"
awk -v out="$OUT" -f "$SPEC/tools/service-methods.awk" "$DECODED"
# The roles, declared once in principal.proto, as a Swift type without protobuf.
mkdir -p "$ROOT/Sources/TownshipRoles"
awk -v out="$ROOT/Sources/TownshipRoles/TownshipRole.generated.swift" -f "$SPEC/tools/roles.awk" "$DECODED"

echo "generate.sh: wrote $(find "$OUT/township" -name '*.swift' | wc -l) Swift files under" \
    "${OUT#"$ROOT"/} and ${PROTOSET#"$ROOT"/}" >&2
