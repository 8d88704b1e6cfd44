#!/usr/bin/env bash
# checkpatch.pl --strict on every patch of the series (from the tree's scripts/). Prints each
# patch's verdict; fails naming the patches with errors, warnings or checks.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0   (runs checkpatch --strict on every patch in series)"; exit 0; }
[ -x "$KTREE/scripts/checkpatch.pl" ] || die "checkpatch: no $KTREE/scripts/checkpatch.pl (run make base)"
# FILE_PATH_CHANGES asks whether MAINTAINERS covers a file a patch adds. It is waived for a
# patch whose every new file an F: entry of the tip's MAINTAINERS already covers (the file
# itself, or a directory above it); any other new file still fails.
covered() {
	local f=$1 e
	while read -r e; do
		case $e in
		*/) [[ $f == "$e"* ]] && return 0 ;;
		*) [[ $f == "$e" ]] && return 0 ;;
		esac
	done < <(sed -n 's/^F:[[:space:]]*//p' "$KTREE/MAINTAINERS")
	return 1
}
list=$("$TOP/scripts/series-list.sh") || die "checkpatch: cannot read the series"
[ -n "$list" ] || die "checkpatch: the series names no patch"
bad=()
while read -r p; do
	ignore=()
	mapfile -t added < <(awk '/^new file mode/ { n = 1; next } n && /^\+\+\+ b\// { print substr($2, 3); n = 0 }' \
		"$TOP/patches/$p")
	if [ ${#added[@]} -gt 0 ] && ! grep -q '^diff --git a/MAINTAINERS ' "$TOP/patches/$p"; then
		all=1
		for f in "${added[@]}"; do covered "$f" || all=0; done
		[ "$all" -eq 1 ] && ignore=(--ignore FILE_PATH_CHANGES)
	fi
	out=$("$KTREE/scripts/checkpatch.pl" --strict --no-tree --quiet --show-types "${ignore[@]}" \
		"$TOP/patches/$p" 2>&1) || true
	if [ -n "$out" ]; then
		echo "checkpatch: $p:"
		printf '%s\n' "$out" | sed 's/^/    /'
		bad+=("$p")
	else
		echo "checkpatch: $p: clean"
	fi
done <<<"$list"
[ ${#bad[@]} -eq 0 ] || die "checkpatch: ${#bad[@]} patch(es) not clean: ${bad[*]}"
