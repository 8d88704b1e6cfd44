#!/usr/bin/env bash
# The gate runner (scripts/gate-runner.sh) on a list of stub gates: a gate whose prerequisite
# failed is blocked and names it; a gate in a lane that died gets a failed row, and so is
# every gate that needs it; ~all runs after everything whatever the outcomes; --adds brings a
# guest run's cases; --cases with no rows written fails; a need that is not defined before
# is refused; the closing line counts blocked gates as failed.
set -euo pipefail
. "$(dirname "$0")/../../../scripts/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0 WORKDIR"; exit 0; }
[ $# -eq 1 ] || { echo "usage: $0 WORKDIR" >&2; exit 2; }
w=$1
rm -rf "$w"
mkdir -p "$w/results/demo"
printf 'demo/one\tpass\t\ndemo/two\tskip\tallowed\n' >"$w/results/demo/cases.tsv"

# The list runs in a shell of its own: the runner's trap and lanes stay there.
cat >"$w/list.sh" <<'LIST'
set -euo pipefail
. "$TOP/scripts/lib.sh"
. "$TOP/scripts/gate-runner.sh"
gate_def a main - "a passes" -- true
gate_def b main a "b fails" -- false
gate_def c one b "c needs b" -- true
gate_def d one a "d needs a, adds demo" --adds demo -- true
gate_def e two - "e kills its lane" -- bash -c 'kill -9 $PPID'
gate_def f two - "f after e in the dead lane" -- true
gate_def g main e "g needs e" -- true
gate_def h main - "h writes its own rows" --cases own/ -- bash -c 'printf "own/x\tpass\t\n" >>"$CASES"'
gate_def i main - "i writes none" --cases none/ -- true
gate_def j main "~all" "j after all" -- true
gate_def k main "b,~all" "k needs b, after all" -- true
gates_run
LIST
out=$w/run.out
rc=0
# A runner that deadlocks must not hang the harness: 120 s is ample for these stubs.
env TOP="$TOP" BUILD="$w" CASES="$w/cases.tsv" TIMINGS="$w/timings.tsv" \
	timeout 120 bash "$w/list.sh" >"$out" 2>&1 || rc=$?
[ "$rc" -ne 124 ] || die "gate-runner: the list did not end within 120 s; see $out"
[ "$rc" -eq 0 ] || die "gate-runner: the list exited $rc; see $out"
sort "$w/cases.tsv" >"$w/got.tsv"
sort >"$w/want.tsv" <<'WANT'
a passes	pass	
b fails	fail	rc 1
c needs b	fail	blocked: 'b fails' failed
d needs a, adds demo	pass	
demo/one	pass	
demo/two	skip	allowed
e kills its lane	fail	its lane (two) died before its result
f after e in the dead lane	fail	its lane (two) died before its result
g needs e	fail	blocked: 'e kills its lane' did not end (its lane died)
own/x	pass	
i writes none	fail	stopped before its cases (rc 0)
j after all	pass	
k needs b, after all	fail	blocked: 'b fails' failed
WANT
if ! diff -u "$w/want.tsv" "$w/got.tsv" >"$w/diff"; then
	echo "FAIL: gate-runner: the cases differ from the expected ones:" >&2
	sed 's/^/    /' "$w/diff" >&2
	exit 1
fi
line=$("$TOP/scripts/summary.sh" "$w/cases.tsv" "$w/timings.tsv" 2>/dev/null | tail -n 1 || true)
[ "$line" = "5 passed, 7 failed, 1 skipped" ] || die "gate-runner: closing line '$line', expected '5 passed, 7 failed, 1 skipped'"
grep -q "BLOCKED  c needs b" <("$TOP/scripts/summary.sh" "$w/cases.tsv" "$w/timings.tsv" 2>/dev/null || true) ||
	die "gate-runner: summary.sh does not label the blocked gate BLOCKED"

# A need that is not defined before the gate is refused at definition time.
printf '. "$TOP/scripts/lib.sh"; . "$TOP/scripts/gate-runner.sh"\ngate_def x main nope "x" -- true\n' >"$w/bad.sh"
rc=0
env TOP="$TOP" BUILD="$w" bash "$w/bad.sh" >"$w/bad.out" 2>&1 || rc=$?
[ "$rc" -ne 0 ] && grep -q "needs 'nope', which is not defined before it" "$w/bad.out" ||
	die "gate-runner: an undefined need was not refused (rc $rc); see $w/bad.out"
echo "ok: gate-runner: blocked, dead-lane, --adds, --cases and ~all outcomes as expected; 5 passed, 7 failed, 1 skipped"
