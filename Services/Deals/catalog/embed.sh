#!/usr/bin/env bash
# Embeds the form catalog (this directory: root.json, code-lists.json, permissions.tsv, forms/*.json) into the
# DealsKit binary, so a deployment needs no resource files: writes one Swift file with every file's contents as a raw
# string literal, in sorted path order. The output is deterministic (no time, no absolute paths).
#
# Usage: Services/Deals/catalog/embed.sh [output file]
#   default output: Services/Deals/DealsKit/Catalog/Generated/CatalogData.swift (committed; scripts/check-catalog.sh
#   fails CI when it is out of date with the catalog files).
set -euo pipefail
export LC_ALL=C

catalog="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$catalog/../../.." && pwd)"
output="${1:-$root/Services/Deals/DealsKit/Catalog/Generated/CatalogData.swift}"

mapfile -t files < <(cd "$catalog" && { ls root.json code-lists.json permissions.tsv; find forms -name '*.json' -type f; } | sort)
[[ ${#files[@]} -gt 3 ]] || { echo "embed.sh: no form files under $catalog/forms" >&2; exit 1; }

"$root/scripts/embed-files.sh" "$catalog" "$output" CatalogData 'The catalog files by path relative to Services/Deals/catalog/, in sorted order.' Services/Deals/catalog/embed.sh "${files[@]}"
