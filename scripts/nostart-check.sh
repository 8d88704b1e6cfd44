#!/usr/bin/env bash
# An end-to-end case of the manifests: boot NAME's prepared artifacts (test-kernel.sh
# --prepare NAME) again, without pidfs_ino_start= and with pidfs_test alone. Inode numbers
# then stay below 2^32, pidfs.ino_above_32bit skips, and the run must fail its manifest
# naming that case as skipped where it must pass. Passes only if it does; the guest's run is
# kept in build/results/NAME-nostart.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 NAME   (NAME prepared, with a manifest in selftests/manifests/NAME.tsv)"; }
[ "${1:-}" = -h ] && { usage; exit 0; }
[ $# -eq 1 ] || { usage >&2; exit 2; }
name=$1 run=$1-nostart
manifest=$TOP/selftests/manifests/$name.tsv
[ -f "$manifest" ] || die "nostart-check: no manifest $manifest"
want="selftests: pidfs: pidfs_test: pidfs.ino_above_32bit"
grep -q "^$want	pass\$" "$manifest" || die "nostart-check: $manifest does not require '$want' to pass"

mkdir -p "$BUILD/results"
rc=0
env TIMEOUT_MULT="${TIMEOUT_MULT:-2}" APPEND="" TESTS="pidfs:pidfs_test" MANIFEST="$manifest" \
	"$TOP/scripts/test-kernel.sh" --run "$name" "$run" >"$BUILD/results/$run.log" 2>&1 || rc=$?
res=$BUILD/results/$run
[ "$rc" -ne 0 ] || die "nostart-check: $run passed: the manifest did not catch the skipped case (log: $res.log)"
[ -f "$res/kselftests.log" ] || die "nostart-check: $run reported no kselftests (log: $res.log)"
row=$(awk -F'\t' -v c="$run/manifest: $want" '$1 == c { print $2 "\t" $3 }' "$res/cases.tsv")
[ "$row" = "fail	skip, the manifest wants pass" ] ||
	die "nostart-check: $run failed, but not by naming '$want' as skipped (its row: '${row:-none}'; log: $res.log)"
log "nostart-check: without pidfs_ino_start= the $name run fails: $run/manifest: $want: skip, the manifest wants pass"
