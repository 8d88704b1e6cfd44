#!/usr/bin/env bash
# The tests can see the bugs they are named for: for each mutant of tests/harness/mutants.tsv
# (default: all), the worktree build/wt/mutant gets the mutant's one edit on top of the tip,
# and that kernel (configuration x86_64, built in build/obj/x86_64.mutant) boots with the
# tip's kselftest program the mutant names (inode numbers from just below 2^32, as in the
# gates). The mutant's cases must fail and no other case of the program may fail (one that
# skips on the test kernels, its syscall not built, still skips). build/linux and the tip's
# kernels are not touched.
set -euo pipefail
. "$(dirname "$0")/../../../scripts/lib.sh"

usage() { echo "usage: $0 [MUTANT...]   (mutants of tests/harness/mutants.tsv; default all)"; }
[ "${1:-}" = -h ] && { usage; exit 0; }
name=x86_64
table=$TOP/tests/harness/mutants.tsv
initramfs=$BUILD/initramfs/$name.cpio.gz
[ -f "$initramfs" ] || die "mutants: no $name initramfs (run: make test CONFIG=$name)"
tip=$(git -C "$KTREE" rev-parse HEAD)
mapfile -t all < <(awk -F'\t' '!/^#/ && NF { print $1 }' "$table")
want=("$@")
[ ${#want[@]} -gt 0 ] || want=("${all[@]}")
for m in "${want[@]}"; do
	grep -qxF -- "$m" < <(printf '%s\n' "${all[@]}") || { usage >&2; die "mutants: no mutant '$m' in $table"; }
done

failed=0
for m in "${want[@]}"; do
	# Not IFS=tab: read would merge the empty replacement column with its neighbours.
	IFS=$'\x1f' read -r _ file text repl prog cases < <(awk -F'\t' -v OFS=$'\x1f' -v m="$m" '!/^#/ && $1 == m { $1 = $1; print }' "$table")
	run=e2e-mutant-$m
	log "mutants: $m: $file"
	wt=$(worktree mutant "$tip")
	python3 - "$wt/$file" "$text" "$repl" <<'PY' || die "mutants: $m: the text to replace does not occur exactly once in $file"
import sys
path, old, new = sys.argv[1], *(s.replace('\\t', '\t').replace('\\n', '\n') for s in sys.argv[2:])
src = open(path).read()
if src.count(old) != 1:
    sys.exit(1)
open(path, 'w').write(src.replace(old, new))
PY
	KTREE=$wt "$TOP/scripts/build.sh" "$name.mutant" || die "mutants: $m: the kernel does not build"
	rc=0
	"$TOP/scripts/boot.sh" -t 1500 -i "$initramfs" -k "$BUILD/obj/$name.mutant/arch/x86/boot/bzImage" \
		-a "harness.timeout_mult=2 harness.tests=pidfs:$prog pidfs_ino_start=0xffffff00" \
		"$name" "$run" || rc=$?
	[ "$rc" -eq 0 ] || die "mutants: $m: the boot failed (rc $rc); see $BUILD/results/$run"
	VERDICT_SECTIONS="guest-tools kselftests" "$TOP/scripts/verdict.sh" "$run" >/dev/null 2>&1 || true
	results=$BUILD/results/$run/cases.tsv
	[ -s "$results" ] || die "mutants: $m: no test results in $results"
	# Rows: "<target>: pidfs: <program>: <case>\t<result>..."
	awk -F'\t' -v must="$cases" -v m="$m" -v prog="pidfs: $prog: " '
		BEGIN { n = split(must, c, ","); for (i = 1; i <= n; i++) want[c[i]] = 1 }
		index($1, prog) {
			tc = substr($1, index($1, prog) + length(prog))
			seen[tc] = 1
			if ((tc in want) && $2 != "fail") { printf "mutants: %s: %s did not fail (%s)\n", m, tc, $2; bad++ }
			if (!(tc in want) && $2 == "fail") { printf "mutants: %s: %s failed as well\n", m, tc; bad++ }
		}
		END {
			for (tc in want) if (!(tc in seen)) { printf "mutants: %s: %s did not run\n", m, tc; bad++ }
			exit bad > 0
		}' "$results" || { failed=$((failed + 1)); continue; }
	echo "ok: mutant $m: ${cases//,/, } failed, no other $prog case did"
	for tc in ${cases//,/ }; do
		grep -m3 -o "${tc##*.}:.*" "$BUILD/results/$run/results.clean" | sed 's/^/    /' || true
	done
done
[ "$failed" -eq 0 ] || die "mutants: $failed mutant(s) not seen by their tests"
