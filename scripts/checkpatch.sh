#!/usr/bin/env bash
# checkpatch.pl --strict on every patch of the series (from the tree's scripts/). Prints each
# patch's verdict; fails naming the patches with errors, warnings or checks.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0   (runs checkpatch --strict on every patch in series)"; exit 0; }
[ -x "$KTREE/scripts/checkpatch.pl" ] || die "checkpatch: no $KTREE/scripts/checkpatch.pl (run make base)"
bad=()
while read -r p; do
	out=$("$KTREE/scripts/checkpatch.pl" --strict --no-tree --quiet --show-types \
		"$TOP/patches/$p" 2>&1) || true
	if [ -n "$out" ]; then
		echo "checkpatch: $p:"
		printf '%s\n' "$out" | sed 's/^/    /'
		bad+=("$p")
	else
		echo "checkpatch: $p: clean"
	fi
done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/series")
[ ${#bad[@]} -eq 0 ] || die "checkpatch: ${#bad[@]} patch(es) not clean: ${bad[*]}"
