#!/usr/bin/env bash
# `make check`: every gate CI runs, as a list for the gate runner (scripts/gate-runner.sh).
# Each gate is one case; a guest run adds its test cases. After the apply, the debug kernel
# is built at once, the static gates beside it; its guest and the harness tests then run in
# lanes of their own. The other builds (i386, then its guest; bisect; lint) run at nice 19
# in lanes of their own or after the debug kernel: they take what the debug kernel's build
# and the guests leave of the machine.
# Prints the case table, the timing table and, last, `N passed, N failed, N skipped`.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gate-runner.sh"

[ "${1:-}" = -h ] && { echo "usage: $0   (runs every gate of make check)"; exit 0; }
export CASES=$BUILD/check/cases.tsv TIMINGS=$BUILD/check/timings.tsv
rm -rf "$BUILD/check"
mkdir -p "$BUILD/check"
start=$(date +%s)
S=$TOP/scripts

gate_def base main - "base tree" -- "$S/base.sh"
# The tip is recorded right after the apply; the last gates check that build/linux is there.
tipfile=$BUILD/check/tip
gate_def apply main base "apply series" \
	-- bash -c '"$1" && git -C "$2" rev-parse HEAD >"$3"' _ "$S/apply.sh" "$KTREE" "$tipfile"
gate_def roundtrip static apply "round trip: make export reproduces patches/ and series" -- "$S/round-trip.sh"
gate_def checkpatch static apply "checkpatch --strict on every patch" -- "$S/checkpatch.sh"
gate_def cover static - "cover letter: its benchmark tables match the runs they name" -- python3 "$S/cover-check.py"
# make mail through b4 with a test sender; git am and b4 am of the mails rebuild make tree's tree.
gate_def mail static apply \
	"mail: b4 writes the set with the sender's sign-off; git am and b4 am of it give make tree's tree" \
	-- "$S/mail-gate.sh"

# The x86 test kernel carries the debug options (kernel-config/debug.config). Timeouts x16:
# the debug kernel is ~8x slower under TCG and shares the 2 cores with the builds below
# (Documentation/gates.md). pidfs inode numbers start just below 2^32 so the run crosses it.
# MANIFEST: every case the run must report and how (selftests/manifests/, manifest-check.py).
debug_env=(TIMEOUT_MULT=16 BOOT_LIMIT=3000 APPEND="pidfs_ino_start=0xffffff00 harness.stress_secs=60"
	MANIFEST="$TOP/selftests/manifests/x86_64-debug.tsv"
	POST="$TOP/selftests/post-debug" POST_PROGS="stress failnth")
gate_def debug-prep main apply "x86_64-debug: build, kselftests, guest programs, initramfs, artifacts" \
	-- env "${debug_env[@]}" "$S/test-kernel.sh" --prepare x86_64-debug
gate_def debug-guest debug-guest debug-prep \
	"x86_64-debug kernel in QEMU: kselftests, stress, failslab walk, kmemleak, splats" --adds x86_64-debug \
	-- env "${debug_env[@]}" "$S/test-kernel.sh" --run x86_64-debug
# The harness's own tests (golden cases; a bad patch, a hung guest and a planted WARNING on
# the debug kernel must fail) need only that kernel.
gate_def harness harness debug-prep "harness tests" --cases harness/ \
	-- "$S/harness-tests.sh" x86_64-debug

# The i386 kernel (its kselftests are built from the tip), then its guest, in a lane of its own;
# the guest (timeouts x2) waits for the debug kernel's build, which does not yield the CPU.
# 32-bit: st_ino above 2^32 through stat64/statx, EOVERFLOW from the legacy stat().
i386_env=(TIMEOUT_MULT=2 BOOT_LIMIT=1800 KSFT_TARGETS="pidfd nsfs pidfs" APPEND="pidfs_ino_start=0xffffff00"
	MANIFEST="$TOP/selftests/manifests/i386.tsv")
gate_def i386-prep i386 apply "i386: build, kselftests, initramfs, artifacts" --yield \
	-- env "${i386_env[@]}" "$S/test-kernel.sh" --prepare i386
gate_def i386-guest i386 i386-prep,~debug-prep "i386 kernel in QEMU (qemu-system-i386): pidfd, nsfs, pidfs kselftests" \
	--adds i386 -- env "${i386_env[@]}" "$S/test-kernel.sh" --run i386
# The manifest's end-to-end case: the same i386 artifacts booted without pidfs_ino_start=
# (pidfs_test alone) must fail, naming pidfs.ino_above_32bit as skipped.
gate_def i386-nostart i386 i386-prep "i386 without pidfs_ino_start=: the manifest names the skipped case" \
	-- "$S/nostart-check.sh" i386

# Build-only gates, bisect in a lane of its own; they build base and every prefix in worktrees of their own under
# build/wt (build/linux stays at the tip). Every prefix is built with CONFIG_PROC_FS=n on the lean
# kernel-config/min.config: that is also the tip's PROC_FS=n build, while the PROC_FS=y tip
# is the debug and i386 kernels above (make gates-full builds every prefix both ways).
# lint compares against the debug kernel's configuration, so it needs that built.
gate_def lint main debug-prep "lint: W=1, sparse, coccinelle findings vs base on the touched files" --yield \
	-- "$S/lint-delta.sh" x86_64-debug
gate_def bisect bisect apply "bisect: every prefix builds (x86_64, min.config, CONFIG_PROC_FS=n)" --yield \
	-- "$S/bisect.sh" noproc vmlinux

# Other revisions are built in worktrees (build/wt): no gate may move build/linux.
gate_def tree-kept main "apply,~all" "build/linux: still at the tip, unmodified, after every gate" \
	-- "$S/tree-unmoved.sh" "$KTREE" "$tipfile"
# The results as KCIDB v5 JSON, for labs and dashboards that ingest that (validated).
gate_def kcidb main "~all" "kcidb.json: this run's results in KCIDB v5, validated" \
	-- "$S/kcidb.sh" "$CASES" "$TIMINGS" "$BUILD/check/kcidb.json" "check-$(date -u +%Y%m%dT%H%M%SZ)"

gates_run
"$S/summary.sh" "$CASES" "$TIMINGS" "$(($(date +%s) - start))"
