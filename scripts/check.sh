#!/usr/bin/env bash
# `make check`: every gate CI runs. Each gate is one case; a guest run adds its test cases.
# Two lanes after the debug kernel is built: the debug guest (mostly one busy vCPU) runs in
# the background while the build-only gates and the i386 guest use the rest of the machine.
# Prints the case table, the timing table and, last, `N passed, N failed`.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0   (runs every gate of make check)"; exit 0; }
export CASES=$BUILD/check/cases.tsv TIMINGS=$BUILD/check/timings.tsv
rm -rf "$BUILD/check"
mkdir -p "$BUILD/check"
start=$(date +%s)
S=$TOP/scripts

# add_run RUN: the guest's test cases join the count.
add_run() { cat "$BUILD/results/$1/cases.tsv" >>"$CASES" 2>/dev/null || true; }

gate "base tree" "$S/base.sh"
gate "apply series" "$S/apply.sh"
gate "round trip: make export reproduces patches/ and series" \
	bash -c '"$1"/export.sh && git -C "$2" diff --exit-code --stat -- patches series' _ "$S" "$TOP"
gate "checkpatch --strict on every patch" "$S/checkpatch.sh"

# The x86 test kernel carries the debug options (kernel-config/debug.config). Timeouts x12:
# the debug kernel is ~8x slower under TCG and shares the 2 cores with the builds below
# (Documentation/gates.md). pidfs inode numbers start just below 2^32 so the run crosses it.
export TIMEOUT_MULT=12 BOOT_LIMIT=3000
debug_env=(APPEND="pidfs_ino_start=0xffffff00 harness.stress_secs=60"
	POST="$TOP/selftests/post-debug" POST_PROGS="stress failnth")
gate "x86_64-debug: build, kselftests, guest programs, initramfs" \
	env "${debug_env[@]}" "$S/test-kernel.sh" --prepare x86_64-debug
lane_a() {
	gate "x86_64-debug kernel in QEMU: kselftests, stress, failslab walk, kmemleak, splats" \
		env "${debug_env[@]}" "$S/test-kernel.sh" --run x86_64-debug
	add_run x86_64-debug
}
lane_a 2>&1 | sed -u 's/^/[debug guest] /' &
lane_a_pid=$!

# Lane B: build-only gates (they check out other commits in build/linux: the debug guest
# needs nothing from the tree any more), then the i386 guest.
gate "lint: W=1, sparse, coccinelle findings vs base on the touched files" "$S/lint-delta.sh" bisect
gate "bisect: every prefix builds (x86_64, kernel-config/min.config)" "$S/bisect.sh" bisect vmlinux
gate "build: x86_64 with CONFIG_PROC_FS=n" "$S/build.sh" noproc vmlinux
# 32-bit: st_ino above 2^32 through stat64/statx, EOVERFLOW from the legacy stat().
gate "i386 kernel in QEMU: pidfd, nsfs, pidfs kselftests" \
	env TIMEOUT_MULT=2 BOOT_LIMIT=1800 KSFT_TARGETS="pidfd nsfs pidfs" \
	APPEND="pidfs_ino_start=0xffffff00" "$S/test-kernel.sh" i386
add_run i386

log "waiting for the debug guest"
wait "$lane_a_pid" || true
timed "harness tests" "$S/harness-tests.sh" x86_64-debug || true

"$S/summary.sh" "$CASES" "$TIMINGS" "$(($(date +%s) - start))"
