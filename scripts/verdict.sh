#!/usr/bin/env bash
# Judge a guest run in build/results/RUN: parse each reported section (TAP/KTAP) into cases,
# scan the console for kernel splats. Appends rows "case<TAB>result<TAB>detail" to
# build/results/RUN/cases.tsv and prints a table and `N passed, N failed, N skipped`. With
# MANIFEST set, also checks the cases against that committed manifest (manifest-check.py).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0 RUN   (RUN: a directory under build/results/)"; exit 0; }
[ $# -eq 1 ] || { echo "usage: $0 RUN" >&2; exit 2; }
run=$1
res=$BUILD/results/$run
[ -d "$res" ] || die "verdict: no results in $res"
: >"$res/cases.tsv"
rc=0
# VERDICT_SECTIONS: the sections the guest must report (scripts/test-kernel.sh sets it from
# what it put into the initramfs); a post section the guest reported anyway is judged too.
sections=${VERDICT_SECTIONS:-guest-tools kselftests}
case " $sections " in
*" post "*) ;;
*) grep -q '^post ' "$res/sections" 2>/dev/null && sections="$sections post" ;;
esac
for section in $sections; do
	if [ ! -f "$res/$section.log" ]; then
		printf '%s\tfail\tsection missing from the guest report\n' "$run/$section" >>"$res/cases.tsv"
		rc=1
		continue
	fi
	known=()
	[ -f "$TOP/selftests/base-failures.txt" ] && known=(--known "$TOP/selftests/base-failures.txt")
	python3 "$TOP/scripts/parse-results.py" --tsv "$res/$section.tsv" --suite-prefix "$run/" \
		"${known[@]}" "$res/$section.log" >"$res/$section.table" 2>&1 || rc=1
	cat "$res/$section.tsv" >>"$res/cases.tsv" 2>/dev/null || true
	if grep -q 'no TAP output found' "$res/$section.table"; then
		printf '%s\tfail\tno TAP output in the guest report\n' "$run/$section" >>"$res/cases.tsv"
	fi
done
if python3 "$TOP/scripts/splat-check.py" "$res/console.log" >"$res/splats.txt" 2>&1; then
	printf '%s\tpass\t\n' "$run/console: no kernel splat" >>"$res/cases.tsv"
else
	printf '%s\tfail\tsee %s\n' "$run/console: kernel splat" "$res/splats.txt" >>"$res/cases.tsv"
	echo "verdict $run: kernel splat in the console:" >&2
	sed 's/^/    /' "$res/splats.txt" >&2
	# With file:line, from the vmlinux that booted (needs CONFIG_DEBUG_INFO for the lines).
	"$TOP/scripts/decode-splats.sh" "$res" || true
	rc=1
fi
# MANIFEST: the committed list of every case this run must report, and how (the gates set it;
# a run of a few tests does not): a missing, unlisted or unexpectedly skipped case fails.
if [ -n "${MANIFEST:-}" ]; then
	python3 "$TOP/scripts/manifest-check.py" "$MANIFEST" "$res" >"$res/manifest.txt" 2>&1 || {
		echo "verdict $run: the run does not match $MANIFEST:" >&2
		sed 's/^/    /' "$res/manifest.txt" >&2
		rc=1
	}
fi
# JUnit XML of the judged cases, for CI systems that read that (Debian's tap2junit).
"$TOP/scripts/junit.sh" "$res" 2>"$res/junit.err" || {
	printf '%s\tfail\t%s\n' "$run/junit.xml" "$(tail -1 "$res/junit.err")" >>"$res/cases.tsv"
	rc=1
}
cat "$res/kselftests.table" 2>/dev/null | grep -v -E '^[0-9]+ passed, ' || true
awk -F'\t' -v run="$run" '
	{ n[$2]++ } $2 == "fail" { f = f "  FAIL " $1 (($3 != "") ? "  (" $3 ")" : "") "\n" }
	END {
		if (f != "") printf "failures in %s:\n%s", run, f
		printf "%s: %d passed, %d failed, %d skipped\n", run, n["pass"], n["fail"], n["skip"]
	}' "$res/cases.tsv"
exit "$rc"
