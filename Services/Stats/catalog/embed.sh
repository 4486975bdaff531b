#!/usr/bin/env bash
# Embeds the Stats catalog (this directory: commodity-classes-*.tsv, facility-types.tsv) into the StatsKit binary, so
# a deployment needs no resource files: writes one Swift file with every file's contents as a raw string literal, in
# sorted path order. The output is deterministic (no time, no absolute paths).
#
# Usage: Services/Stats/catalog/embed.sh [output file]
#   default output: Services/Stats/StatsKit/Catalog/Generated/StatsCatalogData.swift (committed;
#   scripts/check-catalog.sh fails CI when it is out of date with the catalog files).
set -euo pipefail
export LC_ALL=C

catalog="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$catalog/../../.." && pwd)"
output="${1:-$root/Services/Stats/StatsKit/Catalog/Generated/StatsCatalogData.swift}"

mapfile -t files < <(cd "$catalog" && find . -maxdepth 1 -name '*.tsv' -type f | sed 's|^\./||' | sort)
[[ ${#files[@]} -ge 2 ]] || { echo "embed.sh: expected the commodity classification and facility types under $catalog" >&2; exit 1; }

"$root/scripts/embed-files.sh" "$catalog" "$output" StatsCatalogData 'The catalog files by path relative to Services/Stats/catalog/, in sorted order.' Services/Stats/catalog/embed.sh "${files[@]}"
