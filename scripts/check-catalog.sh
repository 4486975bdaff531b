#!/usr/bin/env bash
# Fails when the committed Services/Deals/DealsKit/Catalog/Generated/CatalogData.swift is not what
# Services/Deals/catalog/embed.sh produces from the committed catalog files (someone edited the catalog without
# re-embedding, or edited the generated file by hand).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
committed="$root/Services/Deals/DealsKit/Catalog/Generated/CatalogData.swift"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$root/Services/Deals/catalog/embed.sh" "$work/CatalogData.swift" >/dev/null
if ! diff -u "$committed" "$work/CatalogData.swift" >"$work/diff"; then
    echo "check-catalog.sh: $committed is out of date with Services/Deals/catalog/:" >&2
    head -50 "$work/diff" >&2
    echo "Run Services/Deals/catalog/embed.sh and commit the result." >&2
    exit 1
fi
echo "check-catalog.sh: the embedded form catalog is up to date"
