#!/usr/bin/env bash
# The round trip: export build/linux base..HEAD into a temporary directory (never into the
# checkout) and compare it with patches/ and series as they are on disk.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0   (make export into a temporary directory equals patches/ and series)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/patches"
cp "$TOP/patches/0000-cover-letter.patch" "$tmp/patches/" 2>/dev/null || true
"$TOP/scripts/export.sh" "$tmp" || die "round trip: export failed"
rc=0
diff -ru "$TOP/series" "$tmp/series" || rc=1
diff -ru -x '.*' "$TOP/patches" "$tmp/patches" || rc=1
[ "$rc" -eq 0 ] || die "round trip: make export would change patches/ or series (diff above)"
log "round trip: patches/ and series are what make export writes"
