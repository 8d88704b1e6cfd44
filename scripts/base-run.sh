#!/usr/bin/env bash
# Run the kselftests of the series' tip (build/ksft/x86_64, including the series' own) on the
# unpatched base kernel: shows which tests fail where the feature is missing. The base kernel
# is built from `base` in build/linux (checked out for the build, then restored) into
# build/obj/base. Results: build/results/base-run. Not part of `make check`: failures here
# are expected, they are the point. TIMEOUT_MULT (default 1) as in scripts/test-kernel.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0   (boots the base kernel with the tip's kselftests)"; exit 0; }
[ -z "$(git -C "$KTREE" status --porcelain --untracked-files=no)" ] ||
	die "base-run: $KTREE has uncommitted changes"
[ -f "$BUILD/initramfs/x86_64.cpio.gz" ] || die "base-run: no tip initramfs; run make test first"
tip=$(git -C "$KTREE" symbolic-ref -q --short HEAD || git -C "$KTREE" rev-parse HEAD)
trap 'git -C "$KTREE" checkout -q "$tip"' EXIT
git -C "$KTREE" checkout -q --detach base
"$TOP/scripts/build.sh" base
git -C "$KTREE" checkout -q "$tip"
trap - EXIT
rc=0
mult=${TIMEOUT_MULT:-1}
"$TOP/scripts/boot.sh" -t $((900 * mult)) -a "harness.timeout_mult=$mult" -i "$BUILD/initramfs/x86_64.cpio.gz" \
	-k "$BUILD/obj/base/arch/x86/boot/bzImage" base base-run || rc=$?
"$TOP/scripts/verdict.sh" base-run || true
exit "$rc"
