#!/usr/bin/env bash
# Print the hash of the series as committed: `series` and every patch it names, in order
# (the cover letter is not part of it). gates-full records it; make mail compares it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0"; exit 0; }
list=$("$TOP/scripts/series-list.sh") || die "series-hash: cannot read the series"
[ -n "$list" ] || die "series-hash: the series names no patch"
files=("$TOP/series")
while read -r p; do files+=("$TOP/patches/$p"); done <<<"$list"
hash=$(cat "${files[@]}" | sha256sum | cut -c1-16)
echo "$hash"
