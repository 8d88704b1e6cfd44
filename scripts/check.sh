#!/usr/bin/env bash
# `make check`: every gate CI runs. Each gate is one case; a guest run adds its test cases.
# After the debug kernel is built, its guest (mostly one busy vCPU) runs in the background,
# then the i386 guest, while the build-only gates use the rest of the machine.
# Prints the case table, the timing table and, last, `N passed, N failed`.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0   (runs every gate of make check)"; exit 0; }
export CASES=$BUILD/check/cases.tsv TIMINGS=$BUILD/check/timings.tsv
rm -rf "$BUILD/check"
mkdir -p "$BUILD/check"
start=$(date +%s)
S=$TOP/scripts

gate "base tree" "$S/base.sh"
gate "apply series" "$S/apply.sh"
rt="round trip: make export reproduces patches/ and series"
if [ "$GATE_RC" -eq 0 ]; then
	gate "$rt" "$S/round-trip.sh"
else
	printf '%s\tfail\tblocked: the series did not apply\n' "$rt" >>"$CASES"
fi
tip=$(git -C "$KTREE" rev-parse -q --verify HEAD || echo none)
gate "checkpatch --strict on every patch" "$S/checkpatch.sh"
gate "cover letter: its benchmark tables match the runs they name" python3 "$S/cover-check.py"
# make mail through b4 with a test sender; git am and b4 am of the mails rebuild make tree's tree.
gate "mail: b4 writes the set with the sender's sign-off; git am and b4 am of it give make tree's tree" \
	"$S/mail-gate.sh"

# Ctrl-C or a kill: the guests of the background lanes go too.
trap 'trap - INT TERM; kill -TERM 0' INT TERM

# The x86 test kernel carries the debug options (kernel-config/debug.config). Timeouts x16:
# the debug kernel is ~8x slower under TCG and shares the 2 cores with the builds below
# (Documentation/gates.md). pidfs inode numbers start just below 2^32 so the run crosses it.
# MANIFEST: every case the run must report and how (selftests/manifests/, manifest-check.py).
debug_env=(TIMEOUT_MULT=16 BOOT_LIMIT=3000 APPEND="pidfs_ino_start=0xffffff00 harness.stress_secs=60"
	MANIFEST="$TOP/selftests/manifests/x86_64-debug.tsv"
	POST="$TOP/selftests/post-debug" POST_PROGS="stress failnth")
debug_gate="x86_64-debug kernel in QEMU: kselftests, stress, failslab walk, kmemleak, splats"
gate "x86_64-debug: build, kselftests, guest programs, initramfs, artifacts" \
	env "${debug_env[@]}" "$S/test-kernel.sh" --prepare x86_64-debug
lane_a_pid=""
if [ "$GATE_RC" -eq 0 ]; then
	(
		gate "$debug_gate" env "${debug_env[@]}" "$S/test-kernel.sh" --run x86_64-debug
		add_run x86_64-debug
	) > >(sed -u 's/^/[debug guest] /') 2>&1 &
	lane_a_pid=$!
fi

# The harness's own tests (golden cases; a bad patch, a hung guest and a planted WARNING on
# the debug kernel must fail) need only that kernel: in the background too.
lane_c_pid=""
if [ "$GATE_RC" -eq 0 ]; then
	timed "harness tests" "$S/harness-tests.sh" x86_64-debug > >(sed -u 's/^/[harness tests] /') 2>&1 &
	lane_c_pid=$!
fi

# From here on the guests run with timeouts and the builds do not: the builds yield the CPU
# to them (nice 10), so that a guest's test gets the time its timeout was set for.
yield=(nice -n 10)

# The i386 kernel next (its kselftests are built from the tip), its guest in the background.
# 32-bit: st_ino above 2^32 through stat64/statx, EOVERFLOW from the legacy stat().
i386_env=(TIMEOUT_MULT=2 BOOT_LIMIT=1800 KSFT_TARGETS="pidfd nsfs pidfs" APPEND="pidfs_ino_start=0xffffff00"
	MANIFEST="$TOP/selftests/manifests/i386.tsv")
i386_gate="i386 kernel in QEMU (qemu-system-i386): pidfd, nsfs, pidfs kselftests"
gate "i386: build, kselftests, initramfs, artifacts" "${yield[@]}" env "${i386_env[@]}" "$S/test-kernel.sh" --prepare i386
lane_b_pid=""
if [ "$GATE_RC" -eq 0 ]; then
	(
		gate "$i386_gate" env "${i386_env[@]}" "$S/test-kernel.sh" --run i386
		add_run i386
	) > >(sed -u 's/^/[i386 guest] /') 2>&1 &
	lane_b_pid=$!
fi

# Build-only gates; they build base and every prefix in worktrees of their own under
# build/wt (build/linux stays at the tip). Every prefix is built with CONFIG_PROC_FS=n on the lean
# kernel-config/min.config: that is also the tip's PROC_FS=n build, while the PROC_FS=y tip
# is the debug and i386 kernels above (make gates-full builds every prefix both ways).
gate "lint: W=1, sparse, coccinelle findings vs base on the touched files" "${yield[@]}" "$S/lint-delta.sh" x86_64-debug
gate "bisect: every prefix builds (x86_64, min.config, CONFIG_PROC_FS=n)" "${yield[@]}" "$S/bisect.sh" noproc vmlinux

log "waiting for the guests"
if [ -n "$lane_a_pid" ]; then wait "$lane_a_pid" || true; lane_check "$debug_gate"; fi
if [ -n "$lane_b_pid" ]; then wait "$lane_b_pid" || true; lane_check "$i386_gate"; fi
if [ -n "$lane_c_pid" ]; then
	wait "$lane_c_pid" || true
	grep -q '^harness/' "$CASES" || printf 'harness tests\tfail\tstopped before its cases\n' >>"$CASES"
fi

# Other revisions are built in worktrees (build/wt): no gate may move build/linux.
gate "build/linux: still at the tip, unmodified, after every gate" bash -c \
	'[ "$(git -C "$1" rev-parse HEAD)" = "$2" ] && [ -z "$(git -C "$1" status --porcelain --untracked-files=no)" ] ||
	{ echo "build/linux: HEAD $(git -C "$1" rev-parse HEAD), expected the tip $2"; git -C "$1" status --short | sed -n 1,10p; exit 1; }' _ "$KTREE" "$tip"
# The results as KCIDB v5 JSON, for labs and dashboards that ingest that (validated).
gate "kcidb.json: this run's results in KCIDB v5, validated" \
	"$S/kcidb.sh" "$CASES" "$TIMINGS" "$BUILD/check/kcidb.json" "check-$(date -u +%Y%m%dT%H%M%SZ)"
"$S/summary.sh" "$CASES" "$TIMINGS" "$(($(date +%s) - start))"
