#!/usr/bin/env bash
# Fails when an embedded catalog is not what its embed.sh produces from the committed catalog files (someone edited a
# catalog without re-embedding, or edited the generated file by hand):
#   Services/Deals/DealsKit/Catalog/Generated/CatalogData.swift      from Services/Deals/catalog/ (the form catalog)
#   Sources/NaccsMessages/Procedures/Generated/NaccsCatalogData.swift from Sources/NaccsMessages/catalog/ (68 codes)
#   Services/Stats/StatsKit/Catalog/Generated/StatsCatalogData.swift from Services/Stats/catalog/ (commodity classes,
#                                                                     facility types)
#   Services/Naccs/NaccsKit/Catalog/Generated/RelayCatalogData.swift  from Services/Naccs/catalog/ (who may do which code)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

status=0
check() {
    local name="$1" embed="$2" committed="$3"
    local fresh
    fresh="$work/$(basename "$committed")"
    "$root/$embed" "$fresh" >/dev/null
    if ! diff -u "$root/$committed" "$fresh" >"$work/diff"; then
        echo "check-catalog.sh: $committed is out of date with $(dirname "$embed")/:" >&2
        head -50 "$work/diff" >&2
        echo "Run $embed and commit the result." >&2
        status=1
    else
        echo "check-catalog.sh: the embedded $name is up to date"
    fi
}

check "form catalog" Services/Deals/catalog/embed.sh Services/Deals/DealsKit/Catalog/Generated/CatalogData.swift
check "NACCS catalog" Sources/NaccsMessages/catalog/embed.sh Sources/NaccsMessages/Procedures/Generated/NaccsCatalogData.swift
check "Stats catalog" Services/Stats/catalog/embed.sh Services/Stats/StatsKit/Catalog/Generated/StatsCatalogData.swift
check "Naccs relay tables" Services/Naccs/catalog/embed.sh Services/Naccs/NaccsKit/Catalog/Generated/RelayCatalogData.swift
exit "$status"
