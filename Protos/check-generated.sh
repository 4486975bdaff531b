#!/usr/bin/env bash
# Fails when the committed generated code is not what Protos/generate.sh produces from the committed .proto files
# (someone edited a .proto without regenerating, edited generated code by hand, or changed the generator).
# Passes the environment through to generate.sh (PROTOGEN_SCRATCH_PATH, PROTOGEN_PACKAGE_PATH, WKT_INCLUDE).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Exactly what generate.sh writes (hand-written files next to them, such as include/cp_arena.h, are not checked).
generated_paths=(
    ':(glob)Sources/CPortProtocol/include/**/*.pb-c.h'
    Sources/CPortProtocol/include/cp_descriptor_set.h
    Sources/CPortProtocol/include/cp_message_descriptors.h
    Sources/CPortProtocol/generated
    Sources/PortProtocol/Generated
    Sources/PortAPI/Generated
)

"$root/Protos/generate.sh"

changes="$(git status --porcelain --untracked-files=all -- "${generated_paths[@]}")"
if [[ -n "$changes" ]]; then
    echo "check-generated.sh: the generated code is out of date with Protos/ or the generator:" >&2
    echo "$changes" >&2
    echo "Run Protos/generate.sh and commit the result." >&2
    exit 1
fi
echo "check-generated.sh: generated code is up to date"
