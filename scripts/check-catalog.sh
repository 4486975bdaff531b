#!/usr/bin/env bash
# Fails when an embedded catalog is not what its embed script produces from the committed catalog files (someone
# edited a catalog without re-embedding, or edited the generated file by hand):
#   - the Deals form catalog: Services/Deals/catalog/ → Services/Deals/DealsKit/Catalog/Generated/CatalogData.swift
#   - the NACCS catalog: Sources/NaccsMessages/catalog/ → Sources/NaccsMessages/Procedures/Generated/NaccsCatalogData.swift
#   - the Naccs relay's tables: Services/Naccs/catalog/ → Services/Naccs/NaccsKit/Catalog/Generated/RelayCatalogData.swift
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

check() {
    local name="$1" script="$2" committed="$3"
    "$root/$script" "$work/$name.swift" >/dev/null
    if ! diff -u "$root/$committed" "$work/$name.swift" >"$work/$name.diff"; then
        echo "check-catalog.sh: $committed is out of date with $(dirname "$script")/:" >&2
        head -50 "$work/$name.diff" >&2
        echo "Run $script and commit the result." >&2
        exit 1
    fi
    echo "check-catalog.sh: the embedded $name catalog is up to date"
}

check form Services/Deals/catalog/embed.sh Services/Deals/DealsKit/Catalog/Generated/CatalogData.swift
check NACCS Sources/NaccsMessages/catalog/embed.sh Sources/NaccsMessages/Procedures/Generated/NaccsCatalogData.swift
check relay Services/Naccs/catalog/embed.sh Services/Naccs/NaccsKit/Catalog/Generated/RelayCatalogData.swift
