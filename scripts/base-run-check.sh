#!/usr/bin/env bash
# Compare the base run (build/results/base-run, from scripts/base-run.sh) with the committed
# list selftests/base-run-expected.txt: the failing cases must be exactly the listed ones
# (an extra failure is a base or harness problem; a listed case that passes is a test that
# cannot fail), and the list must be stamped with the base version in base.version.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0   (after scripts/base-run.sh)"; exit 0; }
list=$TOP/selftests/base-run-expected.txt
cases=$BUILD/results/base-run/cases.tsv
[ -f "$cases" ] || die "base-run-check: no $cases (run make base-run)"
stamp=$(sed -n 's/^# base-version: *//p' "$list")
[ "$stamp" = "$(base_version)" ] ||
	die "base-run-check: $list is for base $stamp, base.version says $(base_version): re-measure"
grep -v '^#' "$list" | sed '/^$/d' | sort >"$BUILD/results/base-run/expected.txt"
awk -F'\t' '$2 == "fail" { sub(/^base-run\//, "", $1); print $1 }' "$cases" | sort >"$BUILD/results/base-run/failed.txt"
bad=0
while read -r c; do
	echo "base-run-check: fails on base but not listed: $c" >&2
	bad=1
done < <(comm -13 "$BUILD/results/base-run/expected.txt" "$BUILD/results/base-run/failed.txt")
while read -r c; do
	echo "base-run-check: listed but passes on base (a test that cannot fail?): $c" >&2
	bad=1
done < <(comm -23 "$BUILD/results/base-run/expected.txt" "$BUILD/results/base-run/failed.txt")
[ "$bad" -eq 0 ] || exit 1
log "base-run-check: $(wc -l <"$BUILD/results/base-run/failed.txt") failures on base $(base_version), exactly the expected ones"
