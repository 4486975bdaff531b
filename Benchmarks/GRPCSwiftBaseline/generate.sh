#!/usr/bin/env bash
# Regenerates the swift-protobuf and grpc-swift-2 code of the baseline server from the project's protos
# (Protos/grpc/testing/messages.proto and benchmark_service.proto). The output is committed; run this only when
# those protos or the pinned plugin versions change.
#
# The plugins are built from the same package versions the baseline uses (swift-protobuf 1.39.0,
# grpc-swift-protobuf 2.4.1), in a scratch package under /tmp (about 5–10 minutes on 2 cores):
#   Benchmarks/GRPCSwiftBaseline/generate.sh            # build the plugins if needed, then generate
#   PLUGIN_DIR=/path/with/plugins generate.sh           # use already built protoc-gen-swift and protoc-gen-grpc-swift-2
# Needs protoc (Debian package protobuf-compiler).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$here/Sources/GRPCSwiftBaselineServer/Generated"
work="${BENCH_PLUGIN_WORK:-/tmp/bench-plugins}"

if [[ -z "${PLUGIN_DIR:-}" ]]; then
    mkdir -p "$work/package"
    cat > "$work/package/Package.swift" <<'MANIFEST'
// swift-tools-version:6.1
import PackageDescription
let package = Package(
    name: "BenchPlugins",
    dependencies: [
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
    ]
)
MANIFEST
    for product in protoc-gen-swift protoc-gen-grpc-swift-2; do
        swift build --package-path "$work/package" --scratch-path "$work/build" --product "$product"
    done
    PLUGIN_DIR="$(swift build --package-path "$work/package" --scratch-path "$work/build" --show-bin-path)"
fi

mkdir -p "$out"
rm -f "$out"/*.swift
protos=(grpc/testing/messages.proto grpc/testing/benchmark_service.proto)
protoc -I "$root/Protos" \
    --plugin=protoc-gen-swift="$PLUGIN_DIR/protoc-gen-swift" \
    --swift_out="$out" --swift_opt=Visibility=Internal --swift_opt=FileNaming=DropPath \
    "${protos[@]}"
protoc -I "$root/Protos" \
    --plugin=protoc-gen-grpc-swift-2="$PLUGIN_DIR/protoc-gen-grpc-swift-2" \
    --grpc-swift-2_out="$out" --grpc-swift-2_opt=Visibility=Internal,Server=true,Client=false,FileNaming=DropPath \
    grpc/testing/benchmark_service.proto
ls -l "$out"
