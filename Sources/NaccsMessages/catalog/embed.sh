#!/usr/bin/env bash
# Embeds the NACCS catalog (this directory: items.tsv, layouts.tsv, business-codes.tsv, reports.tsv) into the
# NaccsMessages binary: writes one Swift file with every file's contents as a raw string literal, in sorted name
# order. The output is deterministic (no time, no absolute paths).
#
# Usage: Sources/NaccsMessages/catalog/embed.sh [output file]
#   default output: Sources/NaccsMessages/Procedures/Generated/NaccsCatalogData.swift (committed;
#   scripts/check-catalog.sh fails CI when it is out of date with the catalog files).
set -euo pipefail
export LC_ALL=C

catalog="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$catalog/../../.." && pwd)"
output="${1:-$root/Sources/NaccsMessages/Procedures/Generated/NaccsCatalogData.swift}"

mapfile -t files < <(cd "$catalog" && ls ./*.tsv | sed 's|^\./||' | sort)
[[ ${#files[@]} -eq 4 ]] || { echo "embed.sh: expected 4 .tsv files in $catalog, found ${#files[@]}" >&2; exit 1; }

"$root/scripts/embed-files.sh" "$catalog" "$output" NaccsCatalogData 'The NACCS catalog files by name, in sorted order.' Sources/NaccsMessages/catalog/embed.sh "${files[@]}"
