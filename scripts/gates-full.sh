#!/usr/bin/env bash
# `make gates-full`: the gates to pass before mailing (40 minutes on 2 cores with a warm
# ccache). Every prefix of the series builds on x86_64, i386 and with CONFIG_PROC_FS=n;
# coccicheck over the directories the series touches (findings base does not have fail);
# the debug guest with the stress and failslab campaigns at full length; the base run
# against the committed list of expected base failures. On success, records the stamp of what
# passed (series, harness, installed base version: scripts/gates-stamp.sh) in
# build/gates-full/passed, which `make mail` checks. Prints the case table and `N passed, N failed` like make check.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gate-runner.sh"

[ "${1:-}" = -h ] && { echo "usage: $0   (every gate before mailing; see Documentation/gates.md)"; exit 0; }
out=$BUILD/gates-full
export CASES=$out/cases.tsv TIMINGS=$out/timings.tsv
rm -rf "$out"
mkdir -p "$out"
"$(dirname "$0")"/series-hash.sh >"$out/hash"
"$(dirname "$0")"/gates-stamp.sh >"$out/stamp"
start=$(date +%s)
S=$TOP/scripts
hash=$(cat "$out/hash")
log "gates-full: series $hash"

tipfile=$out/tip
gate_def base main - "base tree" -- "$S/base.sh"
gate_def apply main base "apply series" \
	-- bash -c '"$1" && git -C "$2" rev-parse HEAD >"$3"' _ "$S/apply.sh" "$KTREE" "$tipfile"
gate_def checkpatch main apply "checkpatch --strict on every patch" -- "$S/checkpatch.sh"
gate_def cover main - "cover letter: its benchmark tables match the runs they name" -- python3 "$S/cover-check.py"

# Two background lanes, each mostly one busy core, beside the builds: the debug guest with
# the campaigns at full length (timeouts x16 as in make check: it shares the machine), and
# coccicheck, which works in worktrees of its own and needs only the debug kernel's
# generated headers. Builds and coccicheck have no timeouts and the guests do: the former
# run at nice 19 (--yield).
debug_env=(TIMEOUT_MULT=16 BOOT_LIMIT=7200 APPEND="pidfs_ino_start=0xffffff00 harness.stress_secs=600"
	MANIFEST="$TOP/selftests/manifests/x86_64-debug.tsv"
	POST="$TOP/selftests/post-debug" POST_PROGS="stress failnth")
gate_def debug-prep main apply "x86_64-debug: build, kselftests, guest programs, initramfs, artifacts" \
	-- env "${debug_env[@]}" "$S/test-kernel.sh" --prepare x86_64-debug
gate_def debug-guest debug-guest debug-prep \
	"x86_64-debug kernel in QEMU: kselftests, stress 600 s, failslab walk, kmemleak, splats" --adds x86_64-debug \
	-- env "${debug_env[@]}" "$S/test-kernel.sh" --run x86_64-debug
# The lane takes the tip by its commit, recorded after the apply.
gate_def cocci coccicheck debug-prep "coccicheck over the touched directories vs base" --yield \
	-- bash -c '"$1" x86_64-debug "$(cat "$2")"' _ "$S/coccicheck-dirs.sh" "$tipfile"

# Foreground: the builds of other revisions (worktrees under build/wt), one at a time.
for cfg in x86_64 i386 noproc; do
	gate_def "bisect-$cfg" main apply "bisect: every prefix builds ($cfg)" --yield -- "$S/bisect.sh" "$cfg" vmlinux
done
gate_def bases main - "bases: the series applies to and builds on every linux-source-6.1 in the archive" --yield \
	-- "$S/bases.sh"
gate_def lint main apply "lint: W=1, sparse, coccinelle vs base (full x86_64 config)" --yield \
	-- "$S/lint-delta.sh" x86_64
# Guests here share the machine with the lanes: timeouts x2 (pidfd_poll_test's 45 s ran out
# on the base kernel at x1 beside the debug guest and coccicheck).
gate_def x86_64 main apply "x86_64 kernel in QEMU: kselftests" --adds x86_64 \
	-- env TIMEOUT_MULT=2 APPEND="pidfs_ino_start=0xffffff00" MANIFEST="$TOP/selftests/manifests/x86_64.tsv" \
	"$S/test-kernel.sh" x86_64
gate_def i386 main apply "i386 kernel in QEMU: pidfd, nsfs, pidfs kselftests" --adds i386 \
	-- env TIMEOUT_MULT=2 KSFT_TARGETS="pidfd nsfs pidfs" MANIFEST="$TOP/selftests/manifests/i386.tsv" \
	APPEND="pidfs_ino_start=0xffffff00" "$S/test-kernel.sh" i386
# The same i386 programs on the x86_64 kernel with CONFIG_IA32_EMULATION: the compat paths.
gate_def compat main i386 "32-bit programs on the x86_64 kernel: the i386 kselftests through compat, as its manifest lists" \
	-- env TIMEOUT_MULT=2 "$S/compat-run.sh"
gate_def i386-nostart main i386 "i386 without pidfs_ino_start=: the manifest names the skipped case" \
	-- "$S/nostart-check.sh" i386
gate_def base-run main apply "base kernel runs the tip's kselftests: every case as its manifest lists" \
	-- env TIMEOUT_MULT=2 bash -c 'rm -rf "$2/results/base-run" && "$1"/base-run.sh && "$1"/base-run-check.sh' \
	_ "$S" "$BUILD"
gate_def harness main debug-prep "harness tests" --cases harness/ \
	-- env HARNESS_DEMOS=1 "$S/harness-tests.sh" x86_64-debug

# Other revisions are built in worktrees (build/wt): no gate may move build/linux.
gate_def tree-kept main "apply,~all" "build/linux: still at the tip, unmodified, after every gate" \
	-- "$S/tree-unmoved.sh" "$KTREE" "$tipfile"
# The results as KCIDB v5 JSON, for labs and dashboards that ingest that (validated).
gate_def kcidb main "~all" "kcidb.json: this run's results in KCIDB v5, validated" \
	-- "$S/kcidb.sh" "$CASES" "$TIMINGS" "$BUILD/gates-full/kcidb.json" "gates-full-$(date -u +%Y%m%dT%H%M%SZ)"

gates_run
rc=0
"$S/summary.sh" "$CASES" "$TIMINGS" "$(($(date +%s) - start))" || rc=$?
if [ "$rc" -eq 0 ] && [ "$("$S/gates-stamp.sh")" = "$(cat "$out/stamp")" ]; then
	printf '%s\t%s\n' "$(cat "$out/stamp")" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$out/passed"
	log "gates-full: passed on $(cat "$out/stamp") (recorded in $out/passed)"
elif [ "$rc" -eq 0 ]; then
	warn "gates-full: the series, the harness or the base changed during the run: not recorded as passed"
	rc=1
fi
exit "$rc"
