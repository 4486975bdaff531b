#!/usr/bin/env bash
# Embeds the Naccs relay's data tables (this directory: permissions.tsv) into the NaccsKit binary: writes one Swift file
# with every file's contents as a raw string literal, in sorted path order. Deterministic output.
#
# Usage: Services/Naccs/catalog/embed.sh [output file]
#   default output: Services/Naccs/NaccsKit/Catalog/Generated/RelayCatalogData.swift (committed; scripts/check-catalog.sh
#   fails CI when it is out of date).
set -euo pipefail
export LC_ALL=C

catalog="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$catalog/../../.." && pwd)"
output="${1:-$root/Services/Naccs/NaccsKit/Catalog/Generated/RelayCatalogData.swift}"

mapfile -t files < <(cd "$catalog" && ls *.tsv | sort)
"$root/scripts/embed-files.sh" "$catalog" "$output" RelayCatalogData 'The relay'\''s catalog files by path relative to Services/Naccs/catalog/, in sorted order.' Services/Naccs/catalog/embed.sh "${files[@]}"
