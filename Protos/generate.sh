#!/usr/bin/env bash
# Regenerates ALL generated protocol code from Protos/**.proto plus the well-known types from /usr/include:
#   Sources/CPortProtocol/include/<path>.pb-c.h, Sources/CPortProtocol/generated/<path>.pb-c.c   (protoc-c)
#   Sources/CPortProtocol/generated/descriptor_set.c, include/cp_descriptor_set.h,
#   include/cp_message_descriptors.h                                                          (port-protogen)
#   Sources/PortProtocol/Generated/<path_with_underscores>.pb.swift                           (port-protogen)
#   Sources/PortAPI/Generated/<path_with_underscores>+Services.swift                          (port-protogen)
# Everything is generated into a scratch directory; only when every step succeeded are the old outputs deleted (so
# files of removed .proto files disappear) and the new ones copied in. The output is deterministic (byte-identical
# on re-run): inputs are sorted, nothing depends on time, paths or hash order.
#
# Needs: protoc (protobuf-compiler), protoc-c (protobuf-c-compiler), libprotobuf-dev (the well-known .proto files).
# Environment: PROTOGEN_SCRATCH_PATH  SwiftPM scratch path for building port-protogen (default .build-protogen)
#              PROTOGEN_PACKAGE_PATH  the package that builds port-protogen (default: this package)
#              WKT_INCLUDE            where google/protobuf/*.proto live (default /usr/include)
set -euo pipefail
export LC_ALL=C

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scratch_path="${PROTOGEN_SCRATCH_PATH:-.build-protogen}"
package_path="${PROTOGEN_PACKAGE_PATH:-$root}"
wkt_include="${WKT_INCLUDE:-/usr/include}"
well_known_types=(
    google/protobuf/any.proto
    google/protobuf/duration.proto
    google/protobuf/empty.proto
    google/protobuf/field_mask.proto
    google/protobuf/timestamp.proto
    google/protobuf/wrappers.proto
)

c_target=Sources/CPortProtocol
c_include="$c_target/include"
c_generated="$c_target/generated"
swift_messages=Sources/PortProtocol/Generated
swift_services=Sources/PortAPI/Generated

for tool in protoc protoc-c swift; do
    command -v "$tool" >/dev/null || { echo "generate.sh: $tool not found" >&2; exit 1; }
done
for wkt in "${well_known_types[@]}"; do
    [[ -f "$wkt_include/$wkt" ]] || { echo "generate.sh: $wkt_include/$wkt not found (install libprotobuf-dev)" >&2; exit 1; }
done

# Every .proto under Protos/ (import paths relative to Protos/), sorted, then the well-known types.
mapfile -t project_protos < <(cd Protos && find . -name '*.proto' -type f | sed 's|^\./||' | sort)
[[ ${#project_protos[@]} -gt 0 ]] || { echo "generate.sh: no .proto files under Protos/" >&2; exit 1; }
all_protos=("${project_protos[@]}" "${well_known_types[@]}")

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Build the generator first, so a build failure leaves the committed outputs untouched.
echo "generate.sh: building port-protogen (scratch path $scratch_path)"
swift build --package-path "$package_path" --scratch-path "$scratch_path" --product port-protogen \
    >"$work/build.log" 2>&1 || {
    cat "$work/build.log" >&2
    exit 1
}
bin_path="$(swift build --package-path "$package_path" --scratch-path "$scratch_path" --product port-protogen \
    --show-bin-path)"
protogen="$bin_path/port-protogen"

# Everything is generated into the scratch directory first; the committed outputs are replaced only once all
# steps succeeded, so a failure leaves them untouched.
mkdir -p "$work/c" "$work/messages" "$work/services" "$work/c-sources" "$work/c-headers"
protoc-c -IProtos -I"$wkt_include" --c_out="$work/c" "${all_protos[@]}"
protoc -IProtos -I"$wkt_include" --include_imports --include_source_info \
    --descriptor_set_out="$work/descriptors.pb" "${all_protos[@]}"
"$protogen" "$work/descriptors.pb" \
    --messages "$work/messages" \
    --services "$work/services" \
    --c-sources "$work/c-sources" \
    --c-headers "$work/c-headers"

# Refuse to replace anything unless every kind of output is there.
for produced in "$work/c" "$work/messages" "$work/services" "$work/c-sources" "$work/c-headers"; do
    if [[ -z "$(ls -A "$produced")" ]]; then
        echo "generate.sh: nothing was generated into $produced; the committed files are left as they are" >&2
        exit 1
    fi
done

# Delete stale outputs (hand-written files in the C target, such as cp_arena.[ch], stay).
rm -rf "$c_generated" "$swift_messages" "$swift_services"
find "$c_include" -name '*.pb-c.h' -type f -delete
rm -f "$c_include/cp_descriptor_set.h" "$c_include/cp_message_descriptors.h"
find "$c_include" -mindepth 1 -type d -empty -delete

# Copies the files under $1 named like $3 (default: all) to the same relative paths under $2.
copy_tree() {
    local from="$1" to="$2" pattern="${3:-*}" file
    (cd "$from" && find . -type f -name "$pattern" | sed 's|^\./||' | sort) | while read -r file; do
        mkdir -p "$to/$(dirname "$file")"
        cp "$from/$file" "$to/$file"
    done
}

# protoc-c output: headers mirror import paths under include/, sources go under generated/.
copy_tree "$work/c" "$c_include" '*.pb-c.h'
copy_tree "$work/c" "$c_generated" '*.pb-c.c'
copy_tree "$work/c-headers" "$c_include"
copy_tree "$work/c-sources" "$c_generated"
copy_tree "$work/messages" "$swift_messages"
copy_tree "$work/services" "$swift_services"

echo "generate.sh: generated code for ${#project_protos[@]} project files and ${#well_known_types[@]} well-known types"
