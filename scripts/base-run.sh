#!/usr/bin/env bash
# Run the kselftests of the series' tip (build/ksft/x86_64, including the series' own; made
# first by test-kernel.sh --prepare x86_64) on the unpatched base kernel: shows which tests
# fail where the feature is missing. The base kernel is built from `base` in the worktree
# build/wt/base into build/obj/base (build/linux stays at the tip). Results:
# build/results/base-run. Not part of `make check`: failures here are expected, they are the
# point (scripts/base-run-check.sh checks the run against selftests/manifests/base-run.tsv).
# TIMEOUT_MULT (default 1) as in scripts/test-kernel.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0   (boots the base kernel with the tip's kselftests)"; exit 0; }
# The tip's kselftests and guest programs, as the x86_64 test kernel's run has them.
"$TOP/scripts/test-kernel.sh" --prepare x86_64 || die "base-run: preparing the tip's kselftests and initramfs failed"
wt=$(worktree base base)
KTREE=$wt "$TOP/scripts/build.sh" base
rc=0
mult=${TIMEOUT_MULT:-1}
"$TOP/scripts/boot.sh" -t $((900 * mult)) -a "harness.timeout_mult=$mult" -i "$BUILD/initramfs/x86_64.cpio.gz" \
	-k "$BUILD/obj/base/arch/x86/boot/bzImage" base base-run || rc=$?
"$TOP/scripts/verdict.sh" base-run || true
exit "$rc"
