#!/usr/bin/env bash
# 32-bit programs on the 64-bit kernel: boot the x86_64-compat kernel (x86_64 with
# CONFIG_IA32_EMULATION) with the i386 guest's initramfs (build/artifacts/i386, from
# test-kernel.sh --prepare i386), so that every kselftest runs through the compat syscall
# and ioctl paths (compat_ptr_ioctl, compat fstat, compat open_by_handle_at). Checked
# against selftests/manifests/compat.tsv. Results: build/results/compat. TIMEOUT_MULT
# (default 1) as in scripts/test-kernel.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0   (after test-kernel.sh --prepare i386)"; exit 0; }
[ $# -eq 0 ] || { echo "usage: $0" >&2; exit 2; }
art=$BUILD/artifacts/i386
[ -f "$art/initramfs.cpio.gz" ] && [ -f "$art/sections" ] ||
	die "compat-run: no i386 initramfs in $art (run: scripts/test-kernel.sh --prepare i386)"
timed "build x86_64-compat" "$TOP/scripts/build.sh" x86_64-compat || die "compat-run: building x86_64-compat failed"
mult=${TIMEOUT_MULT:-1}
rc=0
timed "boot compat" "$TOP/scripts/boot.sh" -t $((900 * mult)) \
	-a "harness.timeout_mult=$mult pidfs_ino_start=0xffffff00" -i "$art/initramfs.cpio.gz" \
	-k "$BUILD/obj/x86_64-compat/arch/x86/boot/bzImage" x86_64-compat compat || rc=$?
# Judged by its manifest, as the base run is: two 6.1 nsfs tests fail through compat by
# design (the manifest says why), so the run's own failed rows do not decide.
VERDICT_SECTIONS=$(cat "$art/sections") timed "verdict compat" "$TOP/scripts/verdict.sh" compat || true
python3 "$TOP/scripts/manifest-check.py" "$TOP/selftests/manifests/compat.tsv" "$BUILD/results/compat" ||
	{ echo "error: compat-run: the run does not match selftests/manifests/compat.tsv" >&2; rc=1; }
exit "$rc"
