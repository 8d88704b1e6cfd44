#!/usr/bin/env bash
# `make check`: every gate CI runs, in order. Each gate is one case; a guest run adds its
# test cases. Prints the case table, the timing table and, last, `N passed, N failed`.
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
# Start pidfs inode numbers just below 2^32 so that the run crosses it (pidfs_test checks).
gate "x86_64 kernel: kselftests in QEMU" env APPEND="pidfs_ino_start=0xffffff00" "$S/test-kernel.sh" x86_64
add_run x86_64
timed "harness tests" "$S/harness-tests.sh" x86_64 || true
# 32-bit: st_ino above 2^32 through stat64/statx, EOVERFLOW from the legacy stat().
gate "i386 kernel: pidfd, nsfs, pidfs kselftests in QEMU" \
	env KSFT_TARGETS="pidfd nsfs pidfs" APPEND="pidfs_ino_start=0xffffff00" "$S/test-kernel.sh" i386
add_run i386
gate "build: x86_64 with CONFIG_PROC_FS=n" "$S/build.sh" noproc vmlinux
gate "bisect: every prefix builds (x86_64)" "$S/bisect.sh" bisect vmlinux

"$S/summary.sh" "$CASES" "$TIMINGS" "$(($(date +%s) - start))"
